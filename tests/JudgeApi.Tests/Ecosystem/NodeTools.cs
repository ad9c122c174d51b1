using System.Diagnostics;

namespace JudgeApi.Tests.Ecosystem;

/// <summary>
/// Runs the third-party JavaScript tools of <c>tests/ecosystem</c> (the official openai client, Spectral), which
/// ./test.sh installs there from the npm registry at the versions its package-lock.json pins.
/// </summary>
internal static class NodeTools
{
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "tests", "ecosystem");

    /// <summary>Runs <c>node</c> with <paramref name="arguments"/> in <see cref="Folder"/>; the exit code and both outputs.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules")))
            throw new InvalidOperationException($"{Folder}/node_modules is missing: ./test.sh installs it (npm ci --prefix tests/ecosystem).");
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
