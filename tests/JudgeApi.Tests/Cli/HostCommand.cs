using System.Diagnostics;

namespace JudgeApi.Tests.Cli;

/// <summary>Runs one of the host's commands as a user would, in its own process, and returns what it exited with and wrote on stderr.</summary>
internal static class HostCommand
{
    public static async Task<(int ExitCode, string Errors)> RunAsync(string? workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        if (workingDirectory is not null)
            start.WorkingDirectory = workingDirectory;
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "JudgeApi.dll"), .. arguments])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await output;
        await process.WaitForExitAsync();
        return (process.ExitCode, errors);
    }
}
