using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.SelfTaught;
using Microsoft.Data.Sqlite;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>The whole loop on the real host and the generated tiny model, including a SIGKILL in the middle of annotation.</summary>
public sealed class EndToEndTests : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly object Iteration = new { instructions = 8, judgmentsPerPair = 2, train = false, seed = 20261124 };

    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private static async Task<string> ImportAndQueueAsync(HttpClient client)
    {
        var imported = await (await client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(30, imported.GetProperty("added").GetInt32());
        var queued = await client.PostAsJsonAsync("/iterations", Iteration);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        return (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<IterationView> ViewAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<IterationView>($"/iterations/{id}", Json))!;

    private static async Task<IterationView> WaitForAsync(HttpClient client, string id, Func<IterationView, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (true)
        {
            var view = await ViewAsync(client, id);
            if (condition(view) || IterationStatus.IsFinished(view.Status))
                return view;
            await Task.Delay(25, timeout.Token);
        }
    }

    private static async Task<string> DatasetAsync(HttpClient client, string id) => await client.GetStringAsync($"/iterations/{id}/dataset");

    /// <summary>Reads the event stream the way <c>curl -N</c> does, until the server ends it; returns the last view.</summary>
    private static async Task<IterationView> WatchToEndAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/iterations/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        IterationView? last = null;
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data: "))
                last = JsonSerializer.Deserialize<IterationView>(line["data: ".Length..], Json);
        return last!;
    }

    [Fact]
    public async Task AnIterationOnTheGeneratedModelBuildsAConsistentDataset()
    {
        await using var server = await ServerProcess.StartAsync(directory.Path);
        using var anonymous = server.Connect(null);
        using var client = server.Connect(ServerProcess.ClientKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/iterations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/instructions/stats")).StatusCode);

        var id = await ImportAndQueueAsync(server.Client);
        var watched = await WatchToEndAsync(server.Client, id);

        Assert.Equal(IterationStatus.Succeeded, watched.Status);
        var view = await ViewAsync(server.Client, id);
        Assert.Equal((8, 8), (view.Progress.Selected, view.Progress.Pairs));
        Assert.Equal(view.Progress.Pairs, view.Progress.Kept + view.Progress.Discarded);
        Assert.True(Math.Abs(view.Metrics.LabelA - view.Metrics.LabelB) <= 1);
        Assert.NotNull(view.Metrics.SelfAccuracy);
        var lines = (await DatasetAsync(server.Client, id)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<DatasetLine>(l, Json)!).ToList();
        Assert.Equal(view.Progress.Kept, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.Equal(["system", "user", "assistant"], l.Messages.Select(m => m.Role));
            Assert.EndsWith($"[[{l.Label}]]", l.Messages[2].Content);
        });
        var stats = await server.Client.GetFromJsonAsync<JsonElement>("/instructions/stats");
        Assert.Equal(0, stats.GetProperty("unclassified").GetInt32());
    }

    /// <remarks>
    /// Texts are compared item by item before and after the kill, not with a separate uninterrupted run: llama.cpp's
    /// kernels are not batch-invariant, so a sampled text can change with which other sequences shared its decode
    /// steps, even with the same seed. (Equality with an uninterrupted run is checked on the scripted model.)
    /// </remarks>
    [Fact]
    public async Task SigkillDuringAnnotationThenRestartKeepsEveryRecordedItemAndFinishes()
    {
        string id;
        IReadOnlyList<string> recordedAtKill;
        await using (var server = await ServerProcess.StartAsync(directory.Path))
        {
            id = await ImportAndQueueAsync(server.Client);
            var atKill = await WaitForAsync(server.Client, id, v => v.Stage == IterationStage.Annotate && v.Progress.Judgments > 0);
            await server.KillAsync();
            Assert.Equal((IterationStatus.Running, IterationStage.Annotate), (atKill.Status, atKill.Stage));
            recordedAtKill = RecordedItems(directory.Path);
        }
        Assert.Contains(recordedAtKill, r => r.StartsWith("judgment"));
        Assert.Contains(recordedAtKill, r => r.StartsWith("pair"));

        await using (var restarted = await ServerProcess.StartAsync(directory.Path))
        {
            var resumed = await WaitForAsync(restarted.Client, id, _ => false);

            Assert.Equal(IterationStatus.Succeeded, resumed.Status);
            Assert.Equal((8, 8), (resumed.Progress.Selected, resumed.Progress.Pairs));
            Assert.Equal((resumed.Progress.Pairs - DegenerateCount(resumed)) * 2, resumed.Progress.Judgments);
            Assert.Equal(resumed.Progress.Pairs, resumed.Progress.Kept + resumed.Progress.Discarded);
            Assert.True(Math.Abs(resumed.Metrics.LabelA - resumed.Metrics.LabelB) <= 1);
            var recordedAfter = RecordedItems(directory.Path);
            Assert.Empty(recordedAtKill.Except(recordedAfter));
            Assert.Equal(resumed.Progress.Judgments, recordedAfter.Count(r => r.StartsWith("judgment")));
        }
    }

    /// <summary>Every synthesised pair and every judgment in the store, as text that changes if the item was redone.</summary>
    private static List<string> RecordedItems(string dataDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "pipeline.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT 'pair ' || id || ' ' || instruction_id || ' ' || modified_instruction || ' ' || chosen || ' ' || rejected FROM pairs
            WHERE modified_instruction IS NOT NULL
            UNION ALL
            SELECT 'judgment ' || pair_id || ' ' || sample || ' ' || seed || ' ' || completion FROM judgments
            """;
        var items = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            items.Add(reader.GetString(0));
        return items;
    }

    private static int DegenerateCount(IterationView view) => view.Metrics.DiscardReasons
        .Where(r => r.Key is DiscardReason.EmptyOutput or DiscardReason.SameInstruction or DiscardReason.IdenticalResponses)
        .Sum(r => r.Value);
}
