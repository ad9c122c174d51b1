using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JudgeApi.Tests.SelfTaught;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.Ecosystem;

/// <summary>Settings an operator writes are read, or stop the service with the key named; paths mean what they say where the command was typed.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Judge:PromotionMargin", "0.1", "Judge:PromotionMargin is no longer read: it was renamed Judge:Promotion:Margin.")]
    [InlineData("Judge:EvalSetPath", "pairs.jsonl", "Judge:EvalSetPath is no longer read: it was renamed Judge:Evaluation:LabeledSetPath.")]
    [InlineData("Judge:Training:Lr", "0.001", "Judge:Training:Lr is no longer read: it was renamed Judge:Training:LearningRate.")]
    [InlineData("Judge:Training:MaxSeq", "512", "Judge:Training:MaxSeq is no longer read: it was renamed Judge:Training:MaxSequenceLength.")]
    [InlineData("Judge:Sequencess", "8", "Judge:Sequencess is not a setting; Judge has ModelPath,")]
    [InlineData("Auth:ClientKey", "k", "Auth:ClientKey is not a setting; Auth has ClientKeys, OperatorKeys, SessionMinutes.")]
    [InlineData("Judge:SelfTaught:Temperature", "1", "Judge:SelfTaught:Temperature is not a setting; Judge:SelfTaught has Categories,")]
    [InlineData("Auth:ClientKeys:0", " padded ", "Auth:ClientKeys is a list of 1; it has entry 0 starting or ending with white space")]
    [InlineData("Judge:Adapters:MaxUploadBytes", "0", "Judge:Adapters:MaxUploadBytes is '0'; it must be at least 1.")]
    public async Task An_unknown_or_renamed_key_stops_start_up_with_a_message_naming_it(string key, string value, string message)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            // Building reads some options already (Auth, for the listen addresses); starting validates the rest.
            await using var app = JudgeHost.Build(["--urls=http://127.0.0.1:0", $"--Judge:ModelPath={TestModels.Tiny()}", $"--{key}={value}"]);
            await app.StartAsync();
        });
        Assert.Contains(message, failure.Message);
    }

    /// <summary>
    /// Under the README's <c>dotnet run --project src/JudgeApi</c>, started from another directory, the settings files
    /// beside the host's binaries are read (the build puts the repository's appsettings.json there): an
    /// appsettings.{Environment}.json written there changes Judge:Sequences.
    /// </summary>
    [Fact]
    public async Task Under_dotnet_run_the_settings_files_beside_the_binaries_are_read()
    {
        var binaries = HostBinaries();
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "appsettings.json")), File.ReadAllText(Path.Combine(binaries, "appsettings.json")));
        var environment = "Probe" + Guid.NewGuid().ToString("N");
        var settings = Path.Combine(binaries, $"appsettings.{environment}.json");
        File.WriteAllText(settings, """{ "Judge": { "Sequences": 3 } }""");
        var workingDirectory = TestModels.NewDirectory();
        var port = ServerProcess.FreePort();
        using var run = DotnetRun(workingDirectory, ["--urls", $"http://127.0.0.1:{port}", $"--Judge:ModelPath={TestModels.Tiny()}", "--Judge:Threads=1",
            "--Judge:ContextSize=512", "--Judge:DataDir=data"], ("DOTNET_ENVIRONMENT", environment));
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var model = await WhenReadyAsync(client, run, () => client.GetFromJsonAsync<JsonObject>("/model"));
            Assert.Equal(3, model["sequences"]!.GetValue<int>());
            // Judge:DataDir=data is relative: under the directory the command was typed in.
            Assert.True(File.Exists(Path.Combine(workingDirectory, "data", "pipeline.db")));
        }
        finally
        {
            run.Kill(entireProcessTree: true);
            File.Delete(settings);
        }
    }

    [Fact]
    public async Task Under_dotnet_run_a_relative_cli_path_is_under_the_directory_the_command_was_typed_in()
    {
        var workingDirectory = TestModels.NewDirectory();
        using var run = DotnetRun(workingDirectory, ["create-test-model", "--out", "models/probe.gguf"]);
        var output = await run.StandardOutput.ReadToEndAsync();
        await run.WaitForExitAsync();
        Assert.True(run.ExitCode == 0, output + await run.StandardError.ReadToEndAsync());
        Assert.True(File.Exists(Path.Combine(workingDirectory, "models", "probe.gguf")), output);
    }

    private static string HostBinaries() =>
        Path.Combine(RepoPaths.Root, "src", "JudgeApi", "bin", Configuration, "net10.0");

    // The tests' own build configuration (…/bin/<configuration>/net10.0/), which built the host too.
    private static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    private static Process DotnetRun(string workingDirectory, string[] arguments, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["run", "--project", Path.Combine(RepoPaths.Root, "src", "JudgeApi"), "--no-build", "-c", Configuration, "--", .. arguments])
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        return Process.Start(start)!;
    }

    private static async Task<T> WhenReadyAsync<T>(HttpClient client, Process run, Func<Task<T?>> read)
    {
        for (var attempt = 0; attempt < 1200 && !run.HasExited; attempt++)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                    return (await read())!;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("dotnet run did not become ready: " + await run.StandardError.ReadToEndAsync());
    }
}
