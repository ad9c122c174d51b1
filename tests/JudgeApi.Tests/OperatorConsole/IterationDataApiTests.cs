using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.OperatorConsole;

/// <summary>An iteration's pairs, judgments and discards through the paged endpoints, and an empty selection failing with what to import.</summary>
public sealed class IterationDataApiTests
{
    private static async Task<JsonObject> RunAsync(HttpClient client, object body)
    {
        using var queued = await client.PostAsJsonAsync("/iterations", body);
        var id = (await queued.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var view = (await client.GetFromJsonAsync<JsonObject>($"/iterations/{id}", timeout.Token))!;
            if (IterationStatus.IsFinished(view["status"]!.GetValue<string>()))
                return view;
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string path) => (await client.GetFromJsonAsync<JsonObject>(path))!;

    [Fact]
    public async Task Pairs_judgments_and_discards_are_paged_filtered_and_say_which_judgment_was_kept()
    {
        await using var host = await PipelineTestHost.StartAsync(new ScriptedPipelineModel());
        var client = host.Client;
        (await client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions)).EnsureSuccessStatusCode();
        var view = await RunAsync(client, new { instructions = 8, judgmentsPerPair = 3, train = false, seed = 1 });
        var id = view["id"]!.GetValue<string>();
        var (kept, discarded) = (view["progress"]!["kept"]!.GetValue<int>(), view["progress"]!["discarded"]!.GetValue<int>());

        var first = await GetAsync(client, $"/iterations/{id}/pairs?pageSize=3");
        var last = await GetAsync(client, $"/iterations/{id}/pairs?pageSize=3&page=3");
        Assert.Equal((8, 3, 1, 3), (first["total"]!.GetValue<int>(), first["items"]!.AsArray().Count, first["page"]!.GetValue<int>(), first["pageSize"]!.GetValue<int>()));
        Assert.Equal(2, last["items"]!.AsArray().Count);
        Assert.Equal([0, 1, 2], first["items"]!.AsArray().Select(p => p!["ordinal"]!.GetValue<int>()));

        var keptPairs = (await GetAsync(client, $"/iterations/{id}/pairs?state=kept&pageSize=100"))["items"]!.AsArray();
        Assert.Equal(kept, keptPairs.Count);
        Assert.All(keptPairs, p => Assert.Equal("kept", p!["state"]!.GetValue<string>()));
        var coding = (await GetAsync(client, $"/iterations/{id}/pairs?category=Coding&pageSize=100"))["items"]!.AsArray();
        Assert.NotEmpty(coding);
        Assert.All(coding, p => Assert.Equal("coding", p!["category"]!.GetValue<string>()));

        var pair = await GetAsync(client, $"/iterations/{id}/pairs/{keptPairs[0]!["id"]}");
        var judgments = pair["judgments"]!.AsArray();
        Assert.Equal(3, judgments.Count);
        var keptJudgment = Assert.Single(judgments, j => j!["outcome"]!.GetValue<string>() == PairBrowser.Kept)!;
        Assert.True(keptJudgment["correct"]!.GetValue<bool>());
        Assert.Equal(pair["pair"]!["keptSample"]!.GetValue<int>(), keptJudgment["sample"]!.GetValue<int>());
        Assert.All(judgments.Where(j => !j!["correct"]!.GetValue<bool>()), j => Assert.Equal(PairBrowser.Wrong, j!["outcome"]!.GetValue<string>()));
        Assert.All(judgments.Where(j => j!["correct"]!.GetValue<bool>() && j != keptJudgment), j => Assert.Equal(PairBrowser.OtherKept, j!["outcome"]!.GetValue<string>()));

        var wrong = await GetAsync(client, $"/iterations/{id}/judgments?correct=false&pageSize=100");
        var all = await GetAsync(client, $"/iterations/{id}/judgments?pageSize=100");
        Assert.Equal(view["progress"]!["judgments"]!.GetValue<int>(), all["total"]!.GetValue<int>());
        Assert.All(wrong["items"]!.AsArray(), j => Assert.False(j!["correct"]!.GetValue<bool>()));
        Assert.Equal(all["items"]!.AsArray().Count(j => !j!["correct"]!.GetValue<bool>()), wrong["total"]!.GetValue<int>());

        var discards = await GetAsync(client, $"/iterations/{id}/discards?pageSize=100");
        Assert.Equal(discarded, discards["total"]!.GetValue<int>());
        Assert.All(discards["items"]!.AsArray(), p => Assert.NotNull(p!["discardReason"]));
    }

    [Fact]
    public async Task Bad_paging_and_filters_get_400_naming_the_field_and_unknown_ids_404()
    {
        await using var host = await PipelineTestHost.StartAsync(new ScriptedPipelineModel());
        var client = host.Client;
        (await client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions)).EnsureSuccessStatusCode();
        var id = (await RunAsync(client, new { instructions = 2, judgmentsPerPair = 1, train = false, seed = 1 }))["id"]!.GetValue<string>();

        using var bad = await client.GetAsync($"/iterations/{id}/pairs?page=0&pageSize=101&state=lost&reason=bored");
        using var badJudgments = await client.GetAsync($"/iterations/{id}/judgments?pageSize=0");
        using var notNumber = await client.GetAsync($"/iterations/{id}/pairs?page=two");
        using var noIteration = await client.GetAsync("/iterations/nope/pairs");
        using var noPair = await client.GetAsync($"/iterations/{id}/pairs/999999");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["page", "pageSize", "state", "reason"], (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.BadRequest, badJudgments.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notNumber.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noIteration.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noPair.StatusCode);
    }

    [Fact]
    public async Task An_iteration_that_selects_nothing_fails_and_says_what_to_import()
    {
        await using var host = await PipelineTestHost.StartAsync(new ScriptedPipelineModel());
        var client = host.Client;

        var empty = await RunAsync(client, new { instructions = 4, train = false, seed = 1 });
        Assert.Equal("failed", empty["status"]!.GetValue<string>());
        Assert.Contains("the pool is empty", empty["error"]!.GetValue<string>());
        Assert.Contains("POST /instructions", empty["error"]!.GetValue<string>());

        (await client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions[..3])).EnsureSuccessStatusCode();
        var otherCategory = await RunAsync(client, new { instructions = 4, categories = new[] { "brainstorming" }, train = false, seed = 1 });
        Assert.Equal("failed", otherCategory["status"]!.GetValue<string>());
        Assert.Contains("none of the pool's 3 instructions is in those categories", otherCategory["error"]!.GetValue<string>());

        var first = await RunAsync(client, new { instructions = 3, judgmentsPerPair = 1, train = false, seed = 1 });
        Assert.Equal("succeeded", first["status"]!.GetValue<string>());
        var used = await RunAsync(client, new { instructions = 3, train = false, seed = 1 });
        Assert.Equal("failed", used["status"]!.GetValue<string>());
        Assert.Contains("were used by earlier iterations", used["error"]!.GetValue<string>());
        Assert.Contains("includeUsedInstructions", used["error"]!.GetValue<string>());
    }
}
