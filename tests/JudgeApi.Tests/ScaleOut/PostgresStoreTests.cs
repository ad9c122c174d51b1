using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.ScaleOut;

/// <summary>The stores on PostgreSQL: the schema SQLite has, the same iteration results, and claims that hand each item to one replica.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresFixture postgres)
{
    private async Task<SelfTaughtDatabase> NewDatabaseAsync() => SelfTaughtDatabase.Postgres(await postgres.Server.CreateDatabaseAsync(), TimeProvider.System);

    [Fact]
    public async Task The_schema_on_PostgreSQL_has_every_table_and_column_of_SQLite_at_the_same_version()
    {
        var database = await NewDatabaseAsync();
        using var sqlite = new PipelineFixture();

        var onPostgres = database.Read(db => db.Query(
            "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema()", r => r.GetString(0)));
        var onSqlite = sqlite.Database.Read(db => db.Query(
            "SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'", r => r.GetString(0)));
        Assert.Equal(onSqlite.Order(), onPostgres.Order());
        Assert.Contains("adapter_file_chunks.data", onPostgres);
        Assert.Equal(Migrations.All.Select(m => (long)m.Version), database.Read(db => db.Query("SELECT version FROM schema_version ORDER BY version", r => r.GetInt64(0))));
    }

    [Fact]
    public async Task An_iteration_on_PostgreSQL_ends_exactly_as_the_same_iteration_on_SQLite()
    {
        using var sqlite = new PipelineFixture();
        var onPostgres = new PipelineFixture(await NewDatabaseAsync());
        var results = new List<(IterationView View, List<string> Dataset)>();
        foreach (var fixture in new[] { sqlite, onPostgres })
        {
            fixture.ImportThirty();
            var iteration = fixture.Queue(instructions: 12, judgmentsPerPair: 4);
            await fixture.RunAsync(new ScriptedPipelineModel(), iteration.Id);
            var dataset = new List<string>();
            await foreach (var example in fixture.Store.ReadDataset(iteration.Id, CancellationToken.None))
                dataset.Add(DatasetFormat.Line(example));
            results.Add((fixture.Store.View(iteration.Id)!, dataset));
        }

        var (expected, actual) = (results[0], results[1]);
        Assert.Equal(IterationStage.Done, actual.View.Stage);
        Assert.Equal(expected.View.Progress, actual.View.Progress);
        Assert.Equal(expected.View.Metrics.SelfAccuracy, actual.View.Metrics.SelfAccuracy);
        Assert.Equal((expected.View.Metrics.LabelA, expected.View.Metrics.LabelB), (actual.View.Metrics.LabelA, actual.View.Metrics.LabelB));
        Assert.Equal(expected.View.Metrics.DiscardReasons, actual.View.Metrics.DiscardReasons);
        Assert.Equal(expected.Dataset, actual.Dataset);
        Assert.Equal(12, actual.Dataset.Count + actual.View.Progress.Discarded);
    }

    [Fact]
    public async Task A_multi_turn_iteration_on_PostgreSQL_keeps_follow_ups_history_and_generators_as_on_SQLite()
    {
        // Migration 5 (issue 18) through the dialect: follow-ups in the pool and pairs, the generated earlier turns, the generators read from the provenance JSON.
        var questions = string.Join('\n', Enumerable.Range(1, 6).Select(i =>
            $$"""{"question_id": {{i}}, "category": "writing", "turns": ["Question {{i}}?", "Follow-up {{i}}."]}"""));
        using var sqlite = new PipelineFixture();
        var onPostgres = new PipelineFixture(await NewDatabaseAsync());
        var results = new List<(IterationView View, List<string> Dataset)>();
        foreach (var fixture in new[] { sqlite, onPostgres })
        {
            fixture.Pool.Import(InstructionImportParser.ParseNdjson(questions), new SelfTaughtOptions { MaxInstructionLength = 1000 });
            var iteration = fixture.Queue(instructions: 6, judgmentsPerPair: 2);
            await fixture.RunAsync(new ScriptedPipelineModel(), iteration.Id);
            var dataset = new List<string>();
            await foreach (var example in fixture.Store.ReadDataset(iteration.Id, CancellationToken.None))
                dataset.Add(DatasetFormat.Line(example));
            results.Add((fixture.Store.View(iteration.Id)!, dataset));
        }

        var (expected, actual) = (results[0], results[1]);
        Assert.Equal(IterationStage.Done, actual.View.Stage);
        Assert.Equal(6, actual.View.Progress.Pairs);
        Assert.Equal([ScriptedPipelineModel.Identity], actual.View.Generators);
        Assert.Equal(expected.View.Generators, actual.View.Generators);
        Assert.Equal(expected.Dataset, actual.Dataset);
        var stored = onPostgres.Database.Read(db => db.Query("SELECT follow_ups, history FROM pairs ORDER BY ordinal",
            r => (FollowUps: r.GetJson<List<string>>(0)!, History: r.GetJson<List<HistoryTurn>>(1)!)));
        Assert.Equal(6, stored.Count);
        Assert.All(stored, pair =>
        {
            var turn = Assert.Single(pair.History);
            Assert.Equal(pair.FollowUps.Single().Replace("Follow-up ", "Question ").Replace(".", "?"), turn.User);
            Assert.Equal("Answer to: " + turn.User, turn.Assistant);
        });
    }

    [Fact]
    public async Task Claims_hand_each_pair_to_one_replica_take_back_an_expired_lease_and_record_an_item_once()
    {
        var fixture = new PipelineFixture(await NewDatabaseAsync());
        fixture.ImportThirty();
        var iteration = fixture.Queue(instructions: 9, judgmentsPerPair: 2);
        var store = new IterationStore(fixture.Database, TimeProvider.System);
        Assert.True(store.MarkRunning(iteration.Id));
        fixture.Database.Write(db => PairStore.SaveSelection(db, iteration.Id, fixture.Pool.Unclassified().Take(9).ToList()));
        var pairs = new PairStore(fixture.Database);

        // A replica claims a pair and dies: its lease runs out, and the pair is claimed again below.
        var lost = pairs.Claim(iteration.Id, PairState.Selected, new ItemLease("dead", 1))!;
        await Task.Delay(50);

        // Three replicas claim at once, many times each: every pair goes to exactly one of them.
        var claimed = await Task.WhenAll(new[] { "a", "b", "c" }.Select(name => Task.Run(() =>
        {
            var mine = new List<(string Replica, long Pair)>();
            while (pairs.Claim(iteration.Id, PairState.Selected, new ItemLease(name, 60_000)) is { } pair)
                mine.Add((name, pair.Id));
            return mine;
        })));
        var all = claimed.SelectMany(c => c).ToList();
        Assert.Equal(9, all.Count);
        Assert.Equal(9, all.Select(c => c.Pair).Distinct().Count());
        Assert.Null(pairs.Claim(iteration.Id, PairState.Selected, new ItemLease("d", 60_000)));
        var heir = all.Single(c => c.Pair == lost.Id).Replica;

        // Both finish: the first record wins, the second writes nothing.
        var synthesis = new PairSynthesis("Variant", "chosen", "rejected", null, new SynthesisProvenance(1, 2, 3, "p", "m"));
        Assert.True(pairs.SaveSynthesis(lost.Id, synthesis, heir));
        Assert.False(pairs.SaveSynthesis(lost.Id, synthesis with { Chosen = "other" }, "dead"));
        JudgmentRecord[] judgments = [new(0, PairPosition.A, PairPosition.A, 7, 0.9, "r", "c"), new(1, PairPosition.B, PairPosition.B, 8, 0.2, "r", "c")];
        Assert.True(pairs.SaveAnnotation(lost.Id, judgments, 0, heir));
        Assert.False(pairs.SaveAnnotation(lost.Id, judgments, 1, "dead"));
        Assert.Equal(2L, fixture.Database.Read(db => db.Scalar("SELECT COUNT(*) FROM judgments WHERE pair_id = @id", ("@id", lost.Id))));
        Assert.Equal((heir, heir, "chosen", 0), fixture.Database.Read(db => db.Query(
            "SELECT synthesized_by, annotated_by, chosen, kept_sample FROM pairs WHERE id = @id",
            r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3)), ("@id", lost.Id)).Single()));

        // Once canceled, nothing more is handed out.
        Assert.Equal(CancelOutcome.Requested, store.RequestCancel(iteration.Id));
        Assert.Null(pairs.Claim(iteration.Id, PairState.Synthesized, new ItemLease("a", 60_000)));
    }

    [Fact]
    public async Task Evaluation_items_go_to_one_replica_each_are_claimed_again_after_a_lost_lease_and_report_as_on_SQLite()
    {
        LabeledPair[] pairs =
        [
            new("Q1", "good", "bad", "chat"), new("Q2", "good", "bad", "chat"), new("Q3", "good", "bad", "code"),
            new("Q4", "same", "same", "code", Tie: true), new("Q5", "good", "bad", null, [new EarlierTurn("Hi", "Hello.", "Go away.")]),
        ];
        var plan = new EvaluationPlan("upload-1", "iteration-1", "direct", 16, AllowTie: true, Labeled: true);
        // The verdicts each (weights, set, pair) gets, whoever records it; one pair did not fit (no verdicts).
        PairOutcome Judged(EvaluationItem item) => item.Ordinal == 2 && item.Weights == EvaluationItems.Weights.Active
            ? new(item.Pair, null, null)
            : new(item.Pair, (Verdict)((item.Ordinal + item.Weights.Length) % 3), (Verdict)((item.Ordinal + item.Set.Length) % 3));

        var postgresFixture = new PipelineFixture(await NewDatabaseAsync());
        var iteration = postgresFixture.Queue(instructions: 1);
        Assert.True(new IterationStore(postgresFixture.Database, TimeProvider.System).MarkRunning(iteration.Id));
        var items = new EvaluationItems(postgresFixture.Database);
        items.Create(iteration.Id, plan, pairs, pairs[..3]);
        items.Create(iteration.Id, plan with { ActiveAdapterId = null }, pairs, null); // a resumed stage: the first plan and items stay
        Assert.Equal(plan, items.Plan(iteration.Id));

        // A replica claims an item and dies: its lease runs out, and the item is claimed again below.
        var lost = items.Claim(iteration.Id, new ItemLease("dead", 1))!;
        await Task.Delay(50);
        var claimed = await Task.WhenAll(new[] { "a", "b", "c" }.Select(name => Task.Run(() =>
        {
            var mine = new List<(string Replica, EvaluationItem Item)>();
            while (items.Claim(iteration.Id, new ItemLease(name, 60_000)) is { } item)
                mine.Add((name, item));
            return mine;
        })));
        var all = claimed.SelectMany(c => c).ToList();
        Assert.Equal(3 * (5 + 3), all.Count);
        Assert.Equal(all.Count, all.Select(c => c.Item.Id).Distinct().Count());
        Assert.True(items.AnyLeft(iteration.Id));
        foreach (var (replica, item) in all)
            Assert.True(items.Save(item.Id, Judged(item), replica));
        Assert.False(items.Save(lost.Id, new PairOutcome(lost.Pair, Verdict.Tie, Verdict.Tie), "dead"));
        Assert.False(items.AnyLeft(iteration.Id));
        var onPostgres = postgresFixture.Database.Read(db => EvaluationItems.Report(db, iteration.Id));

        // The same items judged the same on one SQLite replica give the same report.
        using var sqliteFixture = new PipelineFixture();
        var single = sqliteFixture.Queue(instructions: 1);
        Assert.True(new IterationStore(sqliteFixture.Database, TimeProvider.System).MarkRunning(single.Id));
        var sqliteItems = new EvaluationItems(sqliteFixture.Database);
        sqliteItems.Create(single.Id, plan, pairs, pairs[..3]);
        while (sqliteItems.Claim(single.Id, new ItemLease("only", 60_000)) is { } item)
            Assert.True(sqliteItems.Save(item.Id, Judged(item), "only"));
        var onSqlite = sqliteFixture.Database.Read(db => EvaluationItems.Report(db, single.Id));

        Assert.Equal(Db.Json(onSqlite), Db.Json(onPostgres));
        // And it is what one evaluator's scoring gives for those verdicts, set order kept.
        AccuracyScore Expected(string set, string weights, IReadOnlyList<LabeledPair> setPairs) => PairwiseEvaluator.Score(
            [.. setPairs.Select((p, i) => Judged(new EvaluationItem(0, set, weights, i, p)))]);
        Assert.Equal(Db.Json(Expected(EvaluationItems.HeldOut, EvaluationItems.Weights.Active, pairs)), Db.Json(onPostgres.HeldOut.Active));
        Assert.Equal(Db.Json(Expected(EvaluationItems.LabeledSet, EvaluationItems.Weights.Candidate, pairs[..3])), Db.Json(onPostgres.Labeled!.Candidate));
        Assert.Equal((5, 3, "upload-1", "direct"), (onPostgres.HeldOut.Pairs, onPostgres.Labeled.Pairs, onPostgres.ActiveAdapterId, onPostgres.Mode));
        Assert.Equal(0L, postgresFixture.Database.Read(db => db.Scalar("SELECT COUNT(*) FROM evaluation_items WHERE lease_owner IS NOT NULL")));
    }
}
