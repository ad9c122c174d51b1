using System.Net;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Loop;

/// <summary>Training cut short by an operator's cancel or by SIGKILL never leaves an adapter behind, and a restart trains again cleanly.</summary>
public sealed class TrainingInterruptionTests
{
    // Long enough that training is still running when the test interrupts it.
    private static readonly (string, string) LongTraining = ("Judge:Training:Epochs", "500");

    [Fact]
    public async Task Cancel_during_training_stops_it_and_stores_no_adapter()
    {
        using var data = new TempDirectory();
        await using var server = await JudgeServer.StartAsync([.. LoopTestApi.TinySettings(data.Path, promotionMargin: -1), LongTraining]);
        var client = server.Client;
        await LoopTestApi.ImportInstructionsAsync(client, 10);
        var id = await LoopTestApi.QueueIterationAsync(client);
        await WaitForTrainingStepAsync(client, id);

        using (var cancel = await client.PostAsync($"/iterations/{id}/cancel", null))
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var view = await LoopTestApi.WaitFinishedAsync(client, id);

        Assert.Equal("canceled", view["status"]!.GetValue<string>());
        Assert.Equal("train", view["stage"]!.GetValue<string>());
        Assert.Empty(await LoopTestApi.AdaptersAsync(client));
        Assert.Empty(Directory.GetFiles(Path.Combine(data.Path, "adapters")));
    }

    [Fact]
    public async Task Sigkill_during_training_then_restart_completes_the_iteration_with_one_adapter_active()
    {
        using var data = new TempDirectory();
        var settings = LoopTestApi.TinySettings(data.Path, promotionMargin: -1);
        string id;
        await using (var doomed = await ServerProcess.StartAsync(data.Path, [.. settings, LongTraining]))
        {
            await LoopTestApi.ImportInstructionsAsync(doomed.Client, 10);
            id = await LoopTestApi.QueueIterationAsync(doomed.Client);
            await WaitForTrainingStepAsync(doomed.Client, id);
            await doomed.KillAsync();
        }
        var adapters = Path.Combine(data.Path, "adapters");
        Assert.DoesNotContain(Directory.GetFiles(adapters), f => f.EndsWith(".gguf", StringComparison.Ordinal));

        // The restart trains for one epoch so the test stays short; the stage starts over from a clean slate either way.
        await using var restarted = await ServerProcess.StartAsync(data.Path, settings);
        var view = await LoopTestApi.WaitFinishedAsync(restarted.Client, id);

        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        Assert.True(view["loop"]!["promotion"]!["promoted"]!.GetValue<bool>());
        Assert.Equal(["iteration-1.gguf", "iteration-1.gguf.json"], Directory.GetFiles(adapters).Select(Path.GetFileName).Order());
        var adapter = Assert.Single(await LoopTestApi.AdaptersAsync(restarted.Client))!;
        Assert.Equal("iteration-1", adapter["id"]!.GetValue<string>());
        Assert.True(adapter["active"]!.GetValue<bool>());
        Assert.Equal("iteration-1", await LoopTestApi.JudgeAdapterAsync(restarted.Client));
    }

    private static async Task WaitForTrainingStepAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var view = await LoopTestApi.IterationAsync(client, id);
            if (view["stage"]!.GetValue<string>() == "train" && view["loop"]?["training"]?["step"]?.GetValue<int>() >= 1)
                return;
            if (view["status"]!.GetValue<string>() is "succeeded" or "failed" or "canceled" || DateTime.UtcNow > deadline)
                throw new InvalidOperationException("Training never reported a step: " + view.ToJsonString());
            await Task.Delay(100);
        }
    }
}
