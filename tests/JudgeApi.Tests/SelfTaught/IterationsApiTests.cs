using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public class IterationsApiTests
{

    private static async Task<IterationView> WaitUntilFinishedAsync(HttpClient client, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var view = (await client.GetFromJsonAsync<IterationView>($"/iterations/{id}", JsonSerializerOptions.Web, timeout.Token))!;
            if (IterationStatus.IsFinished(view.Status))
                return view;
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<string> QueueAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/iterations", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<JsonElement>())!;
        var id = queued.GetProperty("id").GetString()!;
        Assert.Equal($"/iterations/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        return id;
    }

    [Fact]
    public async Task ImportRunWatchAndDownloadTheDataset()
    {
        var gate = new TaskCompletionSource();
        await using var host = await PipelineTestHost.StartAsync(new ScriptedPipelineModel { Gate = gate.Task });
        var client = host.Client;

        var asJson = await client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions[..20]);
        var ndjson = string.Join("\n", PipelineFixture.ThirtyInstructions[19..].Select(i => JsonSerializer.Serialize(new { instruction = i })).Append("{oops"));
        var asNdjson = await client.PostAsync("/instructions", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));
        var first = await asJson.Content.ReadFromJsonAsync<JsonElement>();
        var second = await asNdjson.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(20, first.GetProperty("added").GetInt32());
        Assert.Equal((10, 1), (second.GetProperty("added").GetInt32(), second.GetProperty("duplicates").GetInt32()));
        Assert.Equal(11, second.GetProperty("rejected")[0].GetProperty("index").GetInt32());
        var stats = await client.GetFromJsonAsync<JsonElement>("/instructions/stats");
        Assert.Equal((30, 30), (stats.GetProperty("total").GetInt32(), stats.GetProperty("unclassified").GetInt32()));

        var id = await QueueAsync(client, new { instructions = 8, judgmentsPerPair = 2, train = false, seed = 1 });
        using var events = await client.GetAsync($"/iterations/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        var received = new List<(string Type, IterationView View)>();
        string? type = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: "))
                type = line["event: ".Length..];
            else if (line.StartsWith("data: "))
                received.Add((type!, JsonSerializer.Deserialize<IterationView>(line["data: ".Length..], JsonSerializerOptions.Web)!));
            if (received.Count == 1)
                gate.TrySetResult();
        }

        Assert.Equal("snapshot", received[0].Type);
        Assert.Contains(received, e => e.Type == "stage");
        Assert.Equal(("status", IterationStatus.Succeeded), (received[^1].Type, received[^1].View.Status));
        var view = await WaitUntilFinishedAsync(client, id);
        Assert.Equal((8, 8), (view.Progress.Selected, view.Progress.Pairs));
        Assert.Equal(view.Progress.Pairs, view.Progress.Kept + view.Progress.Discarded);

        var dataset = await client.GetAsync($"/iterations/{id}/dataset");
        Assert.Equal("application/x-ndjson", dataset.Content.Headers.ContentType!.MediaType);
        var lines = (await dataset.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<DatasetLine>(l, JsonSerializerOptions.Web)!).ToList();
        Assert.Equal(view.Progress.Kept, lines.Count);
        Assert.All(lines, l => Assert.Equal("assistant", l.Messages[^1].Role));
        Assert.True(Math.Abs(lines.Count(l => l.Label == "A") - lines.Count(l => l.Label == "B")) <= 1);

        var newer = await QueueAsync(client, new { instructions = 2, judgmentsPerPair = 1 });
        var list = await client.GetFromJsonAsync<List<IterationView>>("/iterations", JsonSerializerOptions.Web);
        Assert.Equal([newer, id], list!.Select(v => v.Id));
        Assert.Equal([2, 1], list!.Select(v => v.Number));
        await WaitUntilFinishedAsync(client, newer);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/iterations/{id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task AFailingIterationIsMarkedFailedAndTheNextOneStillRuns()
    {
        await using var host = await PipelineTestHost.StartAsync(new ScriptedPipelineModel { CrashOnJudgeCall = 1 });
        await host.Client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions);

        var failing = await QueueAsync(host.Client, new { instructions = 3, judgmentsPerPair = 2 });
        var failed = await WaitUntilFinishedAsync(host.Client, failing);
        var next = await QueueAsync(host.Client, new { instructions = 3, judgmentsPerPair = 2 });
        var succeeded = await WaitUntilFinishedAsync(host.Client, next);

        Assert.Equal((IterationStatus.Failed, "simulated crash"), (failed.Status, failed.Error));
        Assert.Equal(IterationStatus.Succeeded, succeeded.Status);
    }

    [Fact]
    public async Task CancelingAQueuedIterationCancelsItAtOnce()
    {
        var gate = new TaskCompletionSource();
        await using var host = await PipelineTestHost.StartAsync(new ScriptedPipelineModel { Gate = gate.Task });
        await host.Client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions);
        var running = await QueueAsync(host.Client, new { instructions = 3, judgmentsPerPair = 1 });
        var queued = await QueueAsync(host.Client, new { instructions = 3, judgmentsPerPair = 1 });

        var cancelQueued = await host.Client.PostAsync($"/iterations/{queued}/cancel", null);
        var cancelRunning = await host.Client.PostAsync($"/iterations/{running}/cancel", null);
        gate.SetResult();

        Assert.Equal(HttpStatusCode.Accepted, cancelQueued.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, cancelRunning.StatusCode);
        Assert.Equal(IterationStatus.Canceled, (await WaitUntilFinishedAsync(host.Client, queued)).Status);
        Assert.Equal(IterationStatus.Canceled, (await WaitUntilFinishedAsync(host.Client, running)).Status);
    }

    [Fact]
    public async Task AControlRunKeepsJudgmentsWhateverTheirVerdictUpToMaxExamples()
    {
        // A judge that is always wrong: rejection sampling keeps nothing, the control keeps a judgment per pair.
        await using var host = await PipelineTestHost.StartAsync(new ScriptedPipelineModel { JudgeIsWrong = (_, _) => true });
        var client = host.Client;
        (await client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions)).EnsureSuccessStatusCode();

        var method = await WaitUntilFinishedAsync(client, await QueueAsync(client, new { instructions = 8, judgmentsPerPair = 2, train = false, seed = 1 }));
        var control = await WaitUntilFinishedAsync(client, await QueueAsync(client,
            new { instructions = 8, judgmentsPerPair = 2, train = false, seed = 1, rejectionSampling = false, maxExamples = 5 }));

        Assert.Equal((0, 8), (method.Progress.Kept, method.Metrics.DiscardReasons[DiscardReason.NoCorrectJudgment]));
        Assert.Equal(5, control.Progress.Kept);
        Assert.Equal(3, control.Metrics.DiscardReasons[DiscardReason.ExampleLimit]);
        Assert.False(control.Metrics.DiscardReasons.ContainsKey(DiscardReason.NoCorrectJudgment));
        Assert.Equal((3, 2), (Math.Max(control.Metrics.LabelA, control.Metrics.LabelB), Math.Min(control.Metrics.LabelA, control.Metrics.LabelB)));
        Assert.False(control.Parameters.RejectionSampling);
        var lines = (await client.GetStringAsync($"/iterations/{control.Id}/dataset")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<DatasetLine>(l, JsonSerializerOptions.Web)!).ToList();
        // Every kept judgment is wrong: its verdict names the other position than its label.
        Assert.All(lines, l => Assert.EndsWith($"[[{(l.Label == "A" ? "B" : "A")}]]", l.Messages[^1].Content));
        // A self-taught iteration that kept one example has a control that keeps one.
        var single = await WaitUntilFinishedAsync(client, await QueueAsync(client,
            new { instructions = 8, judgmentsPerPair = 2, train = false, seed = 2, rejectionSampling = false, maxExamples = 1 }));
        Assert.Equal((1, 7), (single.Progress.Kept, single.Metrics.DiscardReasons[DiscardReason.ExampleLimit]));
    }

    [Fact]
    public async Task BadRequestsAreRefusedWithReasons()
    {
        await using var host = await PipelineTestHost.StartAsync(new ScriptedPipelineModel());
        var client = host.Client;

        var invalid = await client.PostAsJsonAsync("/iterations", new
        {
            instructions = 0,
            judgmentsPerPair = 100,
            temperature = 3,
            categories = new[] { "poetry" },
            maxExamples = 0,
            promotion = "sometimes"
        });
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var notArray = await client.PostAsync("/instructions", new StringContent("""{"instruction": "x"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(["instructions", "judgmentsPerPair", "temperature", "maxExamples", "promotion", "categories[0]"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.BadRequest, notArray.StatusCode);
        foreach (var path in new[] { "/iterations/nope", "/iterations/nope/events", "/iterations/nope/dataset" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/iterations/nope/cancel", null)).StatusCode);
    }
}
