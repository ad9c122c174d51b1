using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>
/// A database written by the first release opens in this one. <c>pipeline-9d30a1b.db</c> was made by running the code
/// at commit 9d30a1b (the last without schema versions) on the scripted model, with its stores' own writes: iteration 1
/// trained, evaluated (a 4-pair held-out set) and promoted adapter iteration-1; an uploaded adapter; iteration 2 done
/// with its dataset; iteration 3 left running mid-annotation by a crash; iteration 4 queued; two instructions unclassified.
/// </summary>
public sealed class DatabaseUpgradeTests : IDisposable
{
    private static readonly string FirstReleaseFile = Path.Combine(AppContext.BaseDirectory, "SelfTaught", "pipeline-9d30a1b.db");

    private readonly PipelineFixture fixture = new(FirstReleaseFile);

    public void Dispose() => fixture.Dispose();

    [Fact]
    public async Task The_first_release_database_reads_as_it_was_written_and_ends_at_the_latest_schema_version()
    {
        var views = new IterationViews(fixture.Database).List();
        Assert.Equal([4, 3, 2, 1], views.Select(v => v.Number));
        Assert.Equal(
            [(IterationStatus.Queued, IterationStage.Pending), (IterationStatus.Running, IterationStage.Annotate),
                (IterationStatus.Succeeded, IterationStage.Done), (IterationStatus.Succeeded, IterationStage.Done)],
            views.Select(v => (v.Status, v.Stage)));
        Assert.Equal(new IterationProgress(6, 6, 4, 2, 0), views[1].Progress);
        Assert.Equal(new IterationProgress(6, 6, 12, 6, 0), views[2].Progress);

        var first = views[3];
        Assert.Equal(new IterationProgress(9, 9, 36, 9, 0), first.Progress);
        Assert.Equal((4, 5), (first.Metrics.LabelA, first.Metrics.LabelB));
        Assert.True(first.Parameters.Train);
        var candidate = first.Candidate!;
        Assert.Equal(("iteration-1", 3), (candidate.Training!.AdapterId, candidate.Training.Step));
        Assert.Equal((4, 0.75), (candidate.Evaluation!.HeldOut.Pairs, candidate.Evaluation.HeldOut.Candidate.Accuracy));
        Assert.True(candidate.Promotion!.Promoted);

        var lines = new List<string>();
        await foreach (var example in new PairStore(fixture.Database).ReadDataset(first.Id, CancellationToken.None))
            lines.Add(DatasetFormat.Line(example));
        Assert.Equal(9, lines.Count);
        Assert.Contains("\"content\":\"Q: Write code that prints 3.", lines[0]);

        // The registry reads only the database here; the engine is touched by activation alone.
        var registry = new AdapterRegistry(fixture.Database, null!, Microsoft.Extensions.Options.Options.Create(new JudgeOptions { DataDir = "unused" }),
            TimeProvider.System, NullLogger<AdapterRegistry>.Instance);
        var adapters = registry.List();
        Assert.Equal(["iteration-1", "upload-20250101-120000-abcdef"], adapters.Select(a => a.Id));
        Assert.Equal((1, true, "iteration"), (adapters[0].IterationNumber, adapters[0].Active, adapters[0].Source));
        Assert.Equal(0.75, adapters[0].Metrics!.Value.GetProperty("heldOutAccuracy").GetDouble());
        Assert.Equal((null, false, 8), (adapters[1].IterationNumber, adapters[1].Active, adapters[1].Rank));

        var model = new ScriptedPipelineModel();
        var heldOut = new HeldOutSet(fixture.Database, model, PipelineFixture.Options,
            Microsoft.Extensions.Options.Options.Create(new EvaluationOptions()), TimeProvider.System);
        Assert.Equal(4, (await heldOut.GetOrBuildAsync(CancellationToken.None)).Count);
        Assert.Equal(0, model.GenerateCalls);

        Assert.Equal((32, 2, 17), (fixture.Pool.Stats().Total, fixture.Pool.Stats().Unclassified, fixture.Pool.Stats().Used));
        Assert.Equal(Enumerable.Range(1, Migrations.Latest).Select(v => (long)v), SchemaVersions(fixture.Database.Path));
    }

    [Fact]
    public async Task The_iteration_a_crash_left_running_in_it_resumes_where_it_stopped()
    {
        var running = new IterationViews(fixture.Database).List().Single(v => v.Status == IterationStatus.Running);
        var model = new ScriptedPipelineModel();

        await fixture.RunAsync(model, running.Id);

        var view = fixture.Store.View(running.Id)!;
        Assert.Equal(IterationStage.Done, view.Stage);
        Assert.Equal((6, 12), (view.Progress.Pairs, view.Progress.Judgments));
        Assert.Equal((8, 0), (model.JudgeCalls, model.GenerateCalls));
        Assert.Equal(view.Progress.Kept, await fixture.Store.ReadDataset(running.Id, CancellationToken.None).CountAsync());
    }

    [Fact]
    public void An_upgraded_database_has_the_schema_of_a_new_one()
    {
        using var fresh = new PipelineFixture();

        Assert.Equal(Schema(fresh.Database.Path), Schema(fixture.Database.Path));
        Assert.Equal(Enumerable.Range(1, Migrations.Latest).Select(v => (long)v), SchemaVersions(fresh.Database.Path));
    }

    [Fact]
    public void A_database_from_a_newer_release_is_refused_with_both_versions()
    {
        using (var connection = Connect(fixture.Database.Path))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'from the future', '2099-01-01')";
            command.ExecuteNonQuery();
        }

        var refused = Assert.Throws<InvalidOperationException>(() => new SelfTaughtDatabase(Path.GetDirectoryName(fixture.Database.Path)!, TimeProvider.System));
        Assert.Contains("schema version 99", refused.Message);
        Assert.Contains($"versions up to {Migrations.Latest}", refused.Message);
    }

    private static List<long> SchemaVersions(string path)
    {
        using var connection = Connect(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version ORDER BY version";
        using var reader = command.ExecuteReader();
        var versions = new List<long>();
        while (reader.Read())
            versions.Add(reader.GetInt64(0));
        return versions;
    }

    /// <summary>Every table, index and their SQL, as SQLite stores them.</summary>
    private static List<string> Schema(string path)
    {
        using var connection = Connect(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || ifnull(sql, '') FROM sqlite_master ORDER BY type, name";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(reader.GetString(0));
        return rows;
    }

    private static SqliteConnection Connect(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }
}
