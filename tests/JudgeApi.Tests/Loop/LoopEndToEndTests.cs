using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Loop;

/// <summary>Whole iterations on the generated tiny model over HTTP: dataset, train, evaluate, promote, serve.</summary>
public sealed class LoopEndToEndTests
{
    [Fact]
    public async Task Two_iterations_train_evaluate_and_promote_and_judge_names_the_active_adapter()
    {
        using var data = new TempDirectory();
        await using var server = await JudgeServer.StartAsync(LoopTestApi.TinySettings(data.Path, promotionMargin: -1));
        var client = server.Client;
        await LoopTestApi.ImportInstructionsAsync(client, 14);
        Assert.Null(await LoopTestApi.JudgeAdapterAsync(client));

        var first = await LoopTestApi.QueueIterationAsync(client);
        var stages = WatchStagesAsync(client, first);
        var view = await LoopTestApi.WaitFinishedAsync(client, first);
        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        Assert.Equal("done", view["stage"]!.GetValue<string>());
        // Progress coalesces on the event stream, but no stage is skipped, however short.
        var seen = await stages;
        string[] order = ["pending", "classify", "select", "synthesize", "annotate", "dataset", "train", "evaluate", "promote", "done"];
        Assert.Equal(order.SkipWhile(s => s != seen[0]), seen);

        var loop = view["loop"]!;
        Assert.Equal("iteration-1", loop["training"]!["adapterId"]!.GetValue<string>());
        Assert.True(loop["training"]!["step"]!.GetValue<int>() >= 1);
        Assert.True(double.IsFinite(loop["training"]!["loss"]!.GetValue<double>()));
        // Every optimizer step is kept: the loss curve ends at the reported loss.
        var steps = (await client.GetFromJsonAsync<JsonArray>($"/iterations/{first}/training"))!;
        Assert.Equal(Enumerable.Range(1, loop["training"]!["totalSteps"]!.GetValue<int>()), steps.Select(s => s!["step"]!.GetValue<int>()));
        Assert.Equal(loop["training"]!["loss"]!.GetValue<double>(), steps[^1]!["loss"]!.GetValue<double>());
        var heldOut = loop["evaluation"]!["heldOut"]!;
        var pairs = heldOut["pairs"]!.GetValue<int>();
        Assert.InRange(pairs, 1, 4);
        Assert.Equal(2 * pairs, heldOut["base"]!["judgments"]!.GetValue<int>());
        Assert.Equal(2 * pairs, heldOut["candidate"]!["judgments"]!.GetValue<int>());
        Assert.Null(heldOut["active"]);
        Assert.NotNull(view["metrics"]!["selfAccuracy"]);
        Assert.True(loop["promotion"]!["promoted"]!.GetValue<bool>());

        var adapter = Assert.Single(await LoopTestApi.AdaptersAsync(client))!;
        Assert.Equal("iteration-1", adapter["id"]!.GetValue<string>());
        Assert.Equal(1, adapter["iterationNumber"]!.GetValue<int>());
        Assert.Equal(2, adapter["rank"]!.GetValue<int>());
        Assert.True(adapter["active"]!.GetValue<bool>());
        Assert.NotNull(adapter["metrics"]!["heldOutAccuracy"]);
        Assert.Equal("iteration-1.gguf", await LoopTestApi.JudgeAdapterAsync(client));
        var promoted = (await client.GetFromJsonAsync<JsonObject>("/adapters/audit"))!["items"]![0]!;
        Assert.Equal(("activate", "iteration-1", "promotion", 1), (promoted["action"]!.GetValue<string>(), promoted["adapterId"]!.GetValue<string>(),
            promoted["cause"]!.GetValue<string>(), promoted["iterationNumber"]!.GetValue<int>()));

        // The second iteration is judged against the first one's adapter, on the same held-out pairs, trained on both datasets.
        var second = await LoopTestApi.QueueIterationAsync(client, data: "cumulative");
        var secondView = await LoopTestApi.WaitFinishedAsync(client, second);
        Assert.Equal("succeeded", secondView["status"]!.GetValue<string>());
        var secondLoop = secondView["loop"]!;
        Assert.Equal("cumulative", secondLoop["training"]!["data"]!.GetValue<string>());
        Assert.True(secondLoop["training"]!["examples"]!.GetValue<int>() >= loop["training"]!["examples"]!.GetValue<int>());
        Assert.Equal("iteration-1", secondLoop["evaluation"]!["activeAdapterId"]!.GetValue<string>());
        Assert.Equal(pairs, secondLoop["evaluation"]!["heldOut"]!["pairs"]!.GetValue<int>());
        Assert.NotNull(secondLoop["evaluation"]!["heldOut"]!["active"]);
        Assert.Equal("iteration-1", secondLoop["promotion"]!["previousAdapterId"]!.GetValue<string>());
        Assert.Equal("iteration-2.gguf", await LoopTestApi.JudgeAdapterAsync(client));
        var active = (await LoopTestApi.AdaptersAsync(client)).Where(a => a!["active"]!.GetValue<bool>()).Select(a => a!["id"]!.GetValue<string>());
        Assert.Equal(["iteration-2"], active);
    }

    [Fact]
    public async Task A_candidate_that_cannot_beat_the_margin_is_not_promoted()
    {
        using var data = new TempDirectory();
        // No accuracy can exceed another by 2.0: the candidate must lose.
        await using var server = await JudgeServer.StartAsync(LoopTestApi.TinySettings(data.Path, promotionMargin: 2));
        var client = server.Client;
        await LoopTestApi.ImportInstructionsAsync(client, 10);

        var view = await LoopTestApi.WaitFinishedAsync(client, await LoopTestApi.QueueIterationAsync(client));

        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        var promotion = view["loop"]!["promotion"]!;
        Assert.False(promotion["promoted"]!.GetValue<bool>());
        Assert.Contains("margin 2", promotion["reason"]!.GetValue<string>());
        var adapter = Assert.Single(await LoopTestApi.AdaptersAsync(client))!;
        Assert.False(adapter["active"]!.GetValue<bool>());
        Assert.Null(await LoopTestApi.JudgeAdapterAsync(client));
    }

    /// <summary>The stages the iteration's event stream reports until it ends.</summary>
    private static async Task<List<string>> WatchStagesAsync(HttpClient client, string id)
    {
        var stages = new List<string>();
        await using var stream = await client.GetStreamAsync($"/iterations/{id}/events");
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal)
                && JsonNode.Parse(line["data:".Length..])!["stage"]!.GetValue<string>() is var stage && (stages.Count == 0 || stages[^1] != stage))
                stages.Add(stage);
        }
        return stages;
    }
}
