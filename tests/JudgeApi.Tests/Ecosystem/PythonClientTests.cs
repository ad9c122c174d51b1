using System.Diagnostics;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.Ecosystem;

/// <summary>clients/judgeapi_judge.py (TRL's pairwise-judge interface, standard library only) against the live service.</summary>
public sealed class PythonClientTests
{
    [Fact]
    public async Task The_python_judge_returns_trl_indices_chunks_batches_sends_the_key_and_retries_on_503()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, ("Judge:MaxQueue", "1"), ("Judge:ContextSize", "8192"));
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Path.Combine(NodeTools.Folder, "python_judge_check.py"));
        start.Environment["JUDGEAPI_URL"] = server.Address.ToString().TrimEnd('/');
        start.Environment["JUDGEAPI_KEY"] = ServerProcess.ClientKey;
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(10)).Token);
        Assert.True(python.ExitCode == 0, $"python_judge_check.py failed ({python.ExitCode}):\n{await errors}\n{await output}");
        Assert.Contains("\"retries\": ", await output);
    }
}
