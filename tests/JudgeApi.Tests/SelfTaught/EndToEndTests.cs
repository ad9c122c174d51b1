using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.SelfTaught;
using Microsoft.Data.Sqlite;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>
/// One uninterrupted iteration on the real host and the generated tiny model with reproducible background decoding,
/// run once for the class: the run <see cref="EndToEndTests"/> checks, and the reference a crashed and resumed run with
/// the same seed and setting must repeat byte for byte.
/// </summary>
public sealed class UninterruptedIteration : IAsyncLifetime
{
    private readonly TempDirectory directory = new();

    public IterationView Watched { get; private set; } = null!;
    public IterationView View { get; private set; } = null!;
    public string Dataset { get; private set; } = "";
    public IReadOnlyList<string> Recorded { get; private set; } = [];
    public HttpStatusCode AnonymousStatus { get; private set; }
    public HttpStatusCode ClientStatus { get; private set; }
    public int Unclassified { get; private set; }

    public async Task InitializeAsync()
    {
        await using var server = await ServerProcess.StartAsync(directory.Path, EndToEndTests.Reproducible);
        using (var anonymous = server.Connect(null))
            AnonymousStatus = (await anonymous.GetAsync("/iterations")).StatusCode;
        using (var client = server.Connect(ServerProcess.ClientKey))
            ClientStatus = (await client.GetAsync("/instructions/stats")).StatusCode;

        var id = await EndToEndTests.ImportAndQueueAsync(server.Client);
        Watched = await WatchToEndAsync(server.Client, id);
        View = await EndToEndTests.ViewAsync(server.Client, id);
        Dataset = await server.Client.GetStringAsync($"/iterations/{id}/dataset");
        Unclassified = (await server.Client.GetFromJsonAsync<JsonElement>("/instructions/stats")).GetProperty("unclassified").GetInt32();
        Recorded = EndToEndTests.RecordedItems(directory.Path);
    }

    /// <summary>Reads the event stream the way <c>curl -N</c> does, until the server ends it; returns the last view.</summary>
    private static async Task<IterationView> WatchToEndAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/iterations/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        IterationView? last = null;
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data: "))
                last = JsonSerializer.Deserialize<IterationView>(line["data: ".Length..], JsonSerializerOptions.Web);
        return last!;
    }

    public Task DisposeAsync()
    {
        directory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The whole pipeline on the real host and the generated tiny model, including a SIGKILL in the middle of annotation.</summary>
public sealed class EndToEndTests(UninterruptedIteration reference) : IClassFixture<UninterruptedIteration>, IDisposable
{
    private static readonly object Iteration = new { instructions = 8, judgmentsPerPair = 2, train = false, seed = 20261124 };

    /// <summary>Background work decoded alone, so that a redone item repeats the first attempt bit for bit.</summary>
    internal static readonly (string, string) Reproducible = ("Judge:ReproducibleBackground", "true");

    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    internal static async Task<string> ImportAndQueueAsync(HttpClient client)
    {
        var imported = await (await client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(30, imported.GetProperty("added").GetInt32());
        var queued = await client.PostAsJsonAsync("/iterations", Iteration);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        return (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    internal static async Task<IterationView> ViewAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<IterationView>($"/iterations/{id}", JsonSerializerOptions.Web))!;

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

    [Fact]
    public void An_iteration_on_the_generated_model_builds_a_consistent_dataset()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, reference.AnonymousStatus);
        Assert.Equal(HttpStatusCode.Forbidden, reference.ClientStatus);
        Assert.Equal(IterationStatus.Succeeded, reference.Watched.Status);
        var view = reference.View;
        Assert.Equal((8, 8), (view.Progress.Selected, view.Progress.Pairs));
        Assert.Equal(view.Progress.Pairs, view.Progress.Kept + view.Progress.Discarded);
        Assert.True(Math.Abs(view.Metrics.LabelA - view.Metrics.LabelB) <= 1);
        Assert.NotNull(view.Metrics.SelfAccuracy);
        var lines = reference.Dataset.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<DatasetLine>(l, JsonSerializerOptions.Web)!).ToList();
        Assert.Equal(view.Progress.Kept, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.Equal(["system", "user", "assistant"], l.Messages.Select(m => m.Role));
            Assert.EndsWith($"[[{l.Label}]]", l.Messages[2].Content);
        });
        Assert.Equal(0, reference.Unclassified);
    }

    /// <summary>Where a kill lands: in the middle of a stage, after it recorded some of its items and before it recorded all.</summary>
    public static TheoryData<string> KilledStages => new() { IterationStage.Synthesize, IterationStage.Annotate };

    /// <summary>
    /// The durability guarantee on the real engine, with background work batched with everything else: after a SIGKILL
    /// mid-annotation and a restart, no recorded item is redone or lost (each stays as it was recorded), the counts are
    /// consistent, and the iteration completes.
    /// </summary>
    [Fact]
    public async Task Sigkill_during_annotation_then_restart_redoes_nothing_recorded_and_completes()
    {
        var (id, recordedAtKill) = await KillDuringAsync(IterationStage.Annotate);

        await using var restarted = await ServerProcess.StartAsync(directory.Path);
        var resumed = await WaitForAsync(restarted.Client, id, _ => false);

        Assert.Equal(IterationStatus.Succeeded, resumed.Status);
        var recordedAfter = RecordedItems(directory.Path);
        Assert.Empty(recordedAtKill.Except(recordedAfter));
        var progress = resumed.Progress;
        Assert.Equal((8, 8), (progress.Selected, progress.Pairs));
        Assert.Equal(progress.Pairs, progress.Kept + progress.Discarded);
        Assert.Equal(progress.Judgments, recordedAfter.Count(r => r.StartsWith("judgment")));
        Assert.True(recordedAtKill.Count(r => r.StartsWith("judgment")) < progress.Judgments, "the kill came after annotation had ended");
        Assert.True(Math.Abs(resumed.Metrics.LabelA - resumed.Metrics.LabelB) <= 1);
        var dataset = await restarted.Client.GetStringAsync($"/iterations/{id}/dataset");
        Assert.Equal(progress.Kept, dataset.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>
    /// With Judge:ReproducibleBackground, the stronger guarantee: after a SIGKILL mid-synthesis or mid-annotation and a
    /// restart, nothing recorded is redone, and the iteration ends exactly as the uninterrupted run with the same seed
    /// did: the same counts, metrics, stored texts and dataset, byte for byte.
    /// </summary>
    [Theory]
    [MemberData(nameof(KilledStages))]
    public async Task Reproducible_sigkill_during_a_stage_then_restart_ends_as_the_uninterrupted_run(string stage)
    {
        var (id, recordedAtKill) = await KillDuringAsync(stage, Reproducible);

        await using var restarted = await ServerProcess.StartAsync(directory.Path, Reproducible);
        var resumed = await WaitForAsync(restarted.Client, id, _ => false);

        Assert.Equal(IterationStatus.Succeeded, resumed.Status);
        var recordedAfter = RecordedItems(directory.Path);
        Assert.Empty(recordedAtKill.Except(recordedAfter));
        Assert.Equal(reference.View.Progress, resumed.Progress);
        Assert.Equal(reference.View.Metrics.SelfAccuracy, resumed.Metrics.SelfAccuracy);
        Assert.Equal((reference.View.Metrics.LabelA, reference.View.Metrics.LabelB), (resumed.Metrics.LabelA, resumed.Metrics.LabelB));
        Assert.Equal(reference.View.Metrics.DiscardReasons.OrderBy(r => r.Key), resumed.Metrics.DiscardReasons.OrderBy(r => r.Key));
        Assert.Equal(reference.Recorded.Order(), recordedAfter.Order());
        Assert.Equal(reference.Dataset, await restarted.Client.GetStringAsync($"/iterations/{id}/dataset"));
    }

    /// <summary>Queues the iteration and SIGKILLs the server once the stage has recorded an item and before it recorded all; returns what was recorded then.</summary>
    private async Task<(string Id, IReadOnlyList<string> Recorded)> KillDuringAsync(string stage, params (string, string)[] settings)
    {
        Func<IterationView, int> done = stage == IterationStage.Synthesize ? v => v.Progress.Pairs : v => v.Progress.Judgments;
        await using var server = await ServerProcess.StartAsync(directory.Path, settings);
        var id = await ImportAndQueueAsync(server.Client);
        var atKill = await server.KillWhenAsync(directory.Path, id, v => v.Stage == stage && done(v) > 0);
        Assert.Equal((IterationStatus.Running, stage), (atKill.Status, atKill.Stage));
        Assert.True(done(atKill) < done(reference.View), $"the kill came after {stage} had ended");
        return (id, RecordedItems(directory.Path));
    }

    /// <summary>Every synthesised pair and every judgment in the store, as text that changes if the item was redone.</summary>
    internal static List<string> RecordedItems(string dataDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "pipeline.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT 'pair ' || id || ' ' || instruction_id || ' ' || modified_instruction || ' ' || chosen || ' ' || rejected FROM pairs
            WHERE modified_instruction IS NOT NULL
            UNION ALL
            SELECT 'judgment ' || pair_id || ' ' || sample || ' ' || seed || ' ' || ifnull(probability_a, '') || ' ' || completion FROM judgments
            """;
        var items = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            items.Add(reader.GetString(0));
        return items;
    }
}
