using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.OperatorConsole;

/// <summary>The audit log of the serving weights, adapter deletion, and the playground's side-by-side judgments and saved cases, over HTTP.</summary>
public sealed class AdapterAuditAndPlaygroundTests
{
    private static async Task<(JudgeServer Server, HttpClient Client, string AdapterId)> StartWithAdapterAsync(TempDirectory data, TempDirectory files)
    {
        var server = await JudgeServer.StartAsync(("Judge:DataDir", data.Path), ("Auth:OperatorKeys:0:Name", ConsoleWalkTests.OperatorName),
            ("Auth:OperatorKeys:0:Key", ConsoleWalkTests.OperatorKey));
        var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Add("X-API-Key", ConsoleWalkTests.OperatorKey);
        using var upload = await LoopTestApi.UploadAdapterAsync(client, AdapterFiles.Strong(files.Path));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        return (server, client, (await upload.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_activation_rollback_and_deletion_is_in_the_audit_log_with_who_and_why()
    {
        using var data = new TempDirectory();
        using var files = new TempDirectory();
        var (server, client, id) = await StartWithAdapterAsync(data, files);
        await using var _ = server;
        using var __ = client;

        using var activate = await client.PostAsJsonAsync($"/adapters/{id}/activate", new { note = "trying the upload" });
        using var deleteActive = await client.DeleteAsync($"/adapters/{id}");
        using var deactivate = await client.PostAsync("/adapters/deactivate", null);
        using var longNote = await client.PostAsJsonAsync($"/adapters/{id}/activate", new { note = new string('x', 501) });
        using var delete = await client.DeleteAsync($"/adapters/{id}");
        using var deleteAgain = await client.DeleteAsync($"/adapters/{id}");

        Assert.Equal(HttpStatusCode.OK, activate.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteActive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longNote.StatusCode);
        Assert.Contains("note", (await longNote.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteAgain.StatusCode);
        Assert.Empty(await LoopTestApi.AdaptersAsync(client));
        Assert.Empty(Directory.GetFiles(Path.Combine(data.Path, "adapters")));

        var log = (await client.GetFromJsonAsync<JsonObject>("/adapters/audit"))!;
        var entries = log["items"]!.AsArray().Select(e => (e!["action"]!.GetValue<string>(), e["adapterId"]?.GetValue<string>(),
            e["previousAdapterId"]?.GetValue<string>(), e["actor"]!.GetValue<string>(), e["cause"]!.GetValue<string>(), e["note"]?.GetValue<string>())).ToList();
        Assert.Equal(
        [
            ("delete", id, null, ConsoleWalkTests.OperatorName, "operator", null),
            ("deactivate", id, id, ConsoleWalkTests.OperatorName, "operator", null),
            ("activate", id, null, ConsoleWalkTests.OperatorName, "operator", "trying the upload"),
        ], entries);
        var page = (await client.GetFromJsonAsync<JsonObject>("/adapters/audit?page=2&pageSize=2"))!;
        Assert.Equal((3, "activate"), (page["total"]!.GetValue<int>(), page["items"]![0]!["action"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_playground_judges_with_chosen_weights_side_by_side_without_changing_what_serves()
    {
        using var data = new TempDirectory();
        using var files = new TempDirectory();
        var (server, client, id) = await StartWithAdapterAsync(data, files);
        await using var _ = server;
        using var __ = client;
        var judgment = new { instruction = "Which is larger, 9 or 7?", responseA = "Nine is larger.", responseB = "Seven is larger.", mode = "direct" };

        using var response = await client.PostAsJsonAsync("/playground/judge", new { judgment, weights = new[] { "base", id } });
        using var badWeights = await client.PostAsJsonAsync("/playground/judge", new { judgment, weights = new[] { "base", "iteration-99" } });
        using var noActive = await client.PostAsJsonAsync("/playground/judge", new { judgment, weights = new[] { "active" } });
        using var badJudgment = await client.PostAsJsonAsync("/playground/judge", new { judgment = new { instruction = "x" }, weights = new[] { "base" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        Assert.Equal(["base", id], results.Select(r => r!["weights"]!.GetValue<string>()));
        Assert.Null(results[0]!["response"]!["model"]!["adapter"]);
        Assert.Equal(id + ".gguf", results[1]!["response"]!["model"]!["adapter"]!.GetValue<string>());
        // The strong adapter moves the verdict's probabilities: the two sides were judged by different weights.
        Assert.NotEqual(results[0]!["response"]!["probabilityA"]!.GetValue<double>(), results[1]!["response"]!["probabilityA"]!.GetValue<double>(), 6);
        Assert.All(results, r => Assert.False(r!["response"]!["cached"]!.GetValue<bool>()));
        Assert.Null(await LoopTestApi.JudgeAdapterAsync(client));
        Assert.Equal(HttpStatusCode.BadRequest, badWeights.StatusCode);
        Assert.Contains("weights[1]", (await badWeights.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.BadRequest, noActive.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badJudgment.StatusCode);
        Assert.Contains("judgment.responseA", (await badJudgment.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task Saved_cases_rerun_against_any_adapter_keep_every_result()
    {
        using var data = new TempDirectory();
        using var files = new TempDirectory();
        var (server, client, id) = await StartWithAdapterAsync(data, files);
        await using var _ = server;
        using var __ = client;

        using var created = await client.PostAsJsonAsync("/playground/cases",
            new { name = "larger number", instruction = "Which is larger, 9 or 7?", responseA = "Nine is larger.", responseB = "Seven is larger.", expected = "A" });
        using var invalid = await client.PostAsJsonAsync("/playground/cases", new { name = "", expected = "C" });
        var caseId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
        using var onBase = await client.PostAsJsonAsync("/playground/cases/run", new { weights = "base" });
        using var onAdapter = await client.PostAsJsonAsync("/playground/cases/run", new { weights = id, caseIds = new[] { caseId } });
        using var again = await client.PostAsJsonAsync("/playground/cases/run", new { weights = id });
        using var unknownCase = await client.PostAsJsonAsync("/playground/cases/run", new { weights = id, caseIds = new[] { caseId, 4242 } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(["name", "instruction", "responseA", "responseB", "expected"],
            (await invalid.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.OK, onBase.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onAdapter.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownCase.StatusCode);
        Assert.Contains("caseIds[1]", (await unknownCase.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        var run = (await onAdapter.Content.ReadFromJsonAsync<JsonObject>())!["runs"]![0]!;
        Assert.Equal((id, ConsoleWalkTests.OperatorName), (run["weights"]!.GetValue<string>(), run["runBy"]!.GetValue<string>()));
        Assert.Equal(run["winner"]!.GetValue<string>() == "A", run["matches"]!.GetValue<bool>());

        var listed = Assert.Single((await client.GetFromJsonAsync<JsonArray>("/playground/cases"))!)!;
        Assert.Equal(["base", id], listed["latestRuns"]!.AsArray().Select(r => r!["weights"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var history = (await client.GetFromJsonAsync<JsonArray>($"/playground/cases/{caseId}/runs"))!;
        Assert.Equal(3, history.Count);
        Assert.Equal(id, history[0]!["weights"]!.GetValue<string>());

        using var deleted = await client.DeleteAsync($"/playground/cases/{caseId}");
        using var deletedAgain = await client.DeleteAsync($"/playground/cases/{caseId}");
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted.StatusCode, deletedAgain.StatusCode));
        using var nothingToRun = await client.PostAsJsonAsync("/playground/cases/run", new { weights = "base" });
        Assert.Equal(HttpStatusCode.Conflict, nothingToRun.StatusCode);
    }
}
