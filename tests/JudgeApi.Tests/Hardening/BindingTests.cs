using System.Diagnostics;

namespace JudgeApi.Tests.Hardening;

/// <summary>The real host as an operator starts it: Kestrel endpoints from environment variables are held to loopback too.</summary>
public sealed class BindingTests
{
    [Fact]
    public async Task Without_keys_a_kestrel_endpoint_variable_beyond_loopback_stops_the_start_with_the_reason()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "JudgeApi.dll"));
        start.ArgumentList.Add($"--Judge:ModelPath={TestModels.Tiny()}");
        start.ArgumentList.Add("--Judge:Threads=1");
        start.Environment["Kestrel__Endpoints__Http__Url"] = "http://0.0.0.0:0";
        start.Environment["Auth__ClientKeys__0"] = "";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        var output = await stdout + await stderr;

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Refusing to listen on", output);
        Assert.Contains("no API keys are configured", output);
    }
}
