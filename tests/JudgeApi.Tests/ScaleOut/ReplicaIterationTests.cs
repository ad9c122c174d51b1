using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;
using Xunit.Abstractions;

namespace JudgeApi.Tests.ScaleOut;

/// <summary>
/// Iterations on replicas sharing one PostgreSQL and one Redis (the issue's scale-out tests): items are done by every
/// replica, the leader's death and a database restart are survived with counts consistent and nothing done twice, and
/// the evaluation is split between replicas into a report equal to the one a single judge computes from the same outcomes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaIterationTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly object Iteration = new { instructions = 12, judgmentsPerPair = 2, train = false, seed = 20261202 };

    [Fact]
    public async Task Three_replicas_share_an_iteration_and_another_resumes_it_when_the_leader_is_killed_mid_annotation()
    {
        using var redis = await RedisServer.StartAsync();
        await using var replicas = await Replicas.StartAsync(3, await postgres.Server.CreateDatabaseAsync(), redis.ConnectionString);
        var leader = replicas.Leader;
        var entry = replicas.Running.First(r => r.Name != leader);
        var id = await QueueAsync(entry.Server.Client);

        var atKill = await replicas[leader].KillWhenAsync(replicas.Database, id, v => v.Stage == IterationStage.Annotate && v.Progress.Judgments > 0);
        var killedAt = DateTimeOffset.UtcNow;
        await replicas.RemoveAsync(leader);
        Assert.Equal((IterationStatus.Running, IterationStage.Annotate), (atKill.Status, atKill.Stage));
        var recordedAtKill = RecordedItems(replicas.Database);

        var view = await WaitFinishedAsync(entry.Server.Client, id, replicas);

        Assert.Equal(IterationStatus.Succeeded, view.Status);
        var successor = new LeaderTerms(replicas.Database, TimeProvider.System).List(1).Single();
        Assert.NotEqual(leader, successor.Replica);
        var failover = successor.StartedAt - killedAt;
        output.WriteLine($"failover: {failover.TotalSeconds:0.00} s from the kill to {successor.Replica} leading");
        Assert.True(failover < TimeSpan.FromSeconds(15), $"A follower took {failover.TotalSeconds:0.0} s to lead.");
        AssertConsistent(replicas.Database, view, judgmentsPerPair: 2);
        // Nothing recorded before the kill was done again: every item then is still there, word for word.
        Assert.Empty(recordedAtKill.Except(RecordedItems(replicas.Database)));
        var byReplica = ItemsByReplica(replicas.Database);
        output.WriteLine("items by replica: " + string.Join(", ", byReplica.Select(r => $"{r.Key} {r.Value}")));
        Assert.Equal(["replica-0", "replica-1", "replica-2"], byReplica.Keys.Order());
    }

    [Fact]
    public async Task Three_replicas_split_the_evaluation_a_killed_replicas_items_are_judged_again_and_the_report_is_what_one_replica_computes()
    {
        using var redis = await RedisServer.StartAsync();
        // The loop tests' tiny training, a held-out set of up to 20 pairs judged with short reasoning (items slow enough to share).
        (string, string)[] settings =
        [
            .. LoopTestApi.TinySettings("unused", promotionMargin: -1).Where(s => s.Key != "Judge:DataDir" && !s.Key.StartsWith("Judge:Evaluation:")),
            ("Judge:Evaluation:HeldOutPairs", "20"), ("Judge:Evaluation:Mode", "reasoning"), ("Judge:Evaluation:MaxReasoningTokens", "16"),
        ];
        await using var replicas = await Replicas.StartAsync(3, await postgres.Server.CreateDatabaseAsync(), redis.ConnectionString, settings);
        var leader = replicas.Leader;
        var client = replicas[leader].Client;
        await LoopTestApi.ImportInstructionsAsync(client, 48);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var id = await LoopTestApi.QueueIterationAsync(client);

        // A follower killed while it holds evaluation items, with items still free (so it was still claiming): they are judged again elsewhere.
        var (victim, leased) = await WaitForHeldEvaluationItemsAsync(replicas.Database, id, leader);
        await replicas.KillAsync(victim);
        var abandoned = EvaluationItemsLeasedTo(replicas.Database, id, victim);
        var view = await LoopTestApi.WaitFinishedAsync(client, id);
        Assert.Equal("succeeded", view["status"]!.GetValue<string>());
        Assert.NotEmpty(abandoned);
        var redoneBy = replicas.Database.Read(db => db.Query($"SELECT evaluated_by FROM evaluation_items WHERE id IN ({string.Join(", ", abandoned)})",
            r => r.GetString(0)));
        Assert.DoesNotContain(victim, redoneBy);

        var items = replicas.Database.Read(db => db.Query("""
            SELECT set_name, weights, ordinal, pair, first_verdict, second_verdict, done, evaluated_by, lease_owner FROM evaluation_items
            WHERE iteration_id = @id ORDER BY set_name, weights, ordinal
            """, r => (Set: r.GetString(0), Weights: r.GetString(1), Ordinal: r.GetInt32(2), Pair: Db.FromJson<LabeledPair>(r.GetString(3)),
                First: r.IsDBNull(4) ? (Verdict?)null : Enum.Parse<Verdict>(r.GetString(4)), Second: r.IsDBNull(5) ? (Verdict?)null : Enum.Parse<Verdict>(r.GetString(5)),
                Done: r.GetInt64(6) == 1, By: r.IsDBNull(7) ? null : r.GetString(7), Lease: r.IsDBNull(8) ? null : r.GetString(8)), ("@id", id)));
        var heldOut = replicas.Database.Read(db => db.Query("SELECT instruction, chosen, rejected FROM heldout_pairs ORDER BY instruction_id",
            r => (r.GetString(0), r.GetString(1), r.GetString(2))));
        Assert.True(heldOut.Count >= 8, $"Only {heldOut.Count} held-out pairs were built.");
        // Each held-out pair once per weights (no adapter was active: base and candidate), in set order, each recorded once and no lease left.
        foreach (var weights in new[] { EvaluationItems.Weights.Base, EvaluationItems.Weights.Candidate })
            Assert.Equal(heldOut, items.Where(i => i.Weights == weights).Select(i => (i.Pair.Prompt, i.Pair.Chosen, i.Pair.Rejected)));
        Assert.Equal(2 * heldOut.Count, items.Count);
        Assert.All(items, i => Assert.True(i.Done && i.By is not null && i.Lease is null));
        var byReplica = items.GroupBy(i => i.By!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"evaluation items by replica: {string.Join(", ", byReplica.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}"))} " +
            $"({victim} killed holding {leased}, {abandoned.Count} unrecorded, judged again by {string.Join(", ", redoneBy.Distinct())}); " +
            $"iteration {started.Elapsed.TotalSeconds:0.0} s");
        Assert.True(byReplica.Count >= 2, $"Every evaluation item was judged by {string.Join(", ", byReplica.Keys)}.");

        // The report the leader stored is the single-judge computation (PairwiseEvaluator.Score) over the recorded outcomes.
        AccuracyScore Score(string weights) =>
            PairwiseEvaluator.Score([.. items.Where(i => i.Weights == weights).Select(i => new PairOutcome(i.Pair, i.First, i.Second))]);
        var expected = new EvaluationReport(null, JudgeModes.Reasoning, new EvaluationSetResult(heldOut.Count, Score(EvaluationItems.Weights.Base), null,
            Score(EvaluationItems.Weights.Candidate)), null);
        var stored = new CandidateStore(replicas.Database).Read(id)!.Evaluation!;
        Assert.Equal(Db.Json(expected), Db.Json(stored));
        Assert.Equal(heldOut.Count, stored.HeldOut.Candidate.Outcomes!.Length);
    }

    [Fact]
    public async Task PostgreSQL_restarted_mid_run_the_iteration_resumes_and_judgments_keep_being_answered()
    {
        using var redis = await RedisServer.StartAsync();
        await using var replicas = await Replicas.StartAsync(2, await postgres.Server.CreateDatabaseAsync(), redis.ConnectionString);
        var client = replicas.Running[1].Server.Client;
        var id = await QueueAsync(client);
        await WaitForAsync(replicas.Database, id, v => v.Stage is IterationStage.Synthesize or IterationStage.Annotate && v.Progress.Pairs > 0);

        await postgres.Server.KillAsync();
        foreach (var (_, server) in replicas.Running)
        {
            using var judged = await server.Client.PostAsJsonAsync("/judge", new { instruction = "Pick one.", responseA = "One.", responseB = "Two.", mode = "direct" });
            Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyStatusAsync(server.Client, HttpStatusCode.ServiceUnavailable));
        }
        await postgres.Server.StartServerAsync();

        var view = await WaitFinishedAsync(client, id, replicas);
        Assert.Equal(IterationStatus.Succeeded, view.Status);
        // The test's own idle connections died with the server: the first statement that meets one fails and drops them all.
        try
        {
            replicas.Database.Ping();
        }
        catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
        {
        }
        AssertConsistent(replicas.Database, view, judgmentsPerPair: 2);
        foreach (var (_, server) in replicas.Running)
            Assert.Equal(HttpStatusCode.OK, await ReadyStatusAsync(server.Client, HttpStatusCode.OK));
    }

    private static async Task<string> QueueAsync(HttpClient client)
    {
        using (var imported = await client.PostAsJsonAsync("/instructions", PipelineFixture.ThirtyInstructions))
            imported.EnsureSuccessStatusCode();
        using var queued = await client.PostAsJsonAsync("/iterations", Iteration);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        return (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The counts add up, and every annotated pair has exactly its N judgments (none twice, none lost).</summary>
    private static void AssertConsistent(SelfTaughtDatabase database, IterationView view, int judgmentsPerPair)
    {
        Assert.Equal((12, 12), (view.Progress.Selected, view.Progress.Pairs));
        Assert.Equal(view.Progress.Pairs, view.Progress.Kept + view.Progress.Discarded);
        Assert.True(Math.Abs(view.Metrics.LabelA - view.Metrics.LabelB) <= 1);
        var (annotated, wrongCount, judgments) = database.Read(db => db.Query("""
            SELECT COUNT(*),
                   SUM(CASE WHEN (SELECT COUNT(*) FROM judgments j WHERE j.pair_id = p.id) <> @n THEN 1 ELSE 0 END),
                   (SELECT COUNT(*) FROM judgments)
            FROM pairs p WHERE p.judgments IS NOT NULL
            """, r => (r.GetInt64(0), r.IsDBNull(1) ? 0 : r.GetInt64(1), r.GetInt64(2)), ("@n", judgmentsPerPair)).Single());
        Assert.Equal(0, wrongCount);
        Assert.Equal(annotated * judgmentsPerPair, judgments);
        Assert.Equal(view.Progress.Judgments, judgments);
        Assert.Equal(0L, database.Read(db => db.Scalar("SELECT COUNT(*) FROM pairs WHERE lease_owner IS NOT NULL")));
    }

    /// <summary>
    /// Waits until a replica other than the leader holds evaluation items while at least 8 are free, so it is still
    /// claiming when it is killed; that replica and how many it holds.
    /// </summary>
    private static async Task<(string Replica, long Held)> WaitForHeldEvaluationItemsAsync(SelfTaughtDatabase database, string id, string leader)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            var found = database.Read(db => db.Query("""
                SELECT lease_owner, COUNT(*), (SELECT COUNT(*) FROM evaluation_items f WHERE f.iteration_id = @id AND f.done = 0 AND f.lease_owner IS NULL)
                FROM evaluation_items WHERE iteration_id = @id AND done = 0 AND lease_owner IS NOT NULL AND lease_owner <> @leader
                GROUP BY lease_owner ORDER BY lease_owner LIMIT 1
                """, r => (Replica: r.GetString(0), Held: r.GetInt64(1), Free: r.GetInt64(2)), ("@id", id), ("@leader", leader)).SingleOrDefault());
            if (found.Replica is not null && found.Free >= 8)
                return (found.Replica, found.Held);
            if (database.Read(db => db.Scalar("SELECT status FROM iterations WHERE id = @id", ("@id", id))) as string is { } status && IterationStatus.IsFinished(status))
                throw new InvalidOperationException($"The iteration ended ({status}) before a follower was seen holding evaluation items.");
            await Task.Delay(20);
        }
        throw new TimeoutException("No follower was seen holding evaluation items.");
    }

    /// <summary>The evaluation items still leased to <paramref name="replica"/> and not recorded.</summary>
    private static List<long> EvaluationItemsLeasedTo(SelfTaughtDatabase database, string id, string replica) => database.Read(db => db.Query(
        "SELECT id FROM evaluation_items WHERE iteration_id = @id AND done = 0 AND lease_owner = @replica", r => r.GetInt64(0), ("@id", id), ("@replica", replica)));

    /// <summary>Every synthesised pair and every judgment, as text that changes if the item was redone.</summary>
    internal static List<string> RecordedItems(SelfTaughtDatabase database) => database.Read(db => db.Query("""
        SELECT 'pair ' || id || ' ' || instruction_id || ' ' || modified_instruction || ' ' || chosen || ' ' || rejected FROM pairs
        WHERE modified_instruction IS NOT NULL
        UNION ALL
        SELECT 'judgment ' || pair_id || ' ' || sample || ' ' || seed || ' ' || COALESCE(CAST(probability_a AS TEXT), '') || ' ' || completion FROM judgments
        """, r => r.GetString(0)));

    /// <summary>Items (classifications, syntheses, annotations) each replica recorded.</summary>
    private static SortedDictionary<string, long> ItemsByReplica(SelfTaughtDatabase database) => new(database.Read(db => db.Query("""
        SELECT replica, COUNT(*) FROM (
            SELECT classified_by AS replica FROM instructions WHERE classified_by IS NOT NULL
            UNION ALL SELECT synthesized_by FROM pairs WHERE synthesized_by IS NOT NULL
            UNION ALL SELECT annotated_by FROM pairs WHERE annotated_by IS NOT NULL) items
        GROUP BY replica
        """, r => (r.GetString(0), r.GetInt64(1)))).ToDictionary(r => r.Item1, r => r.Item2), StringComparer.Ordinal);

    private static async Task<IterationView> WaitForAsync(SelfTaughtDatabase database, string id, Func<IterationView, bool> condition)
    {
        var views = new IterationViews(database);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var view = views.View(id)!;
            if (condition(view) || IterationStatus.IsFinished(view.Status))
                return view;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The iteration is still at {view.Stage}.");
            await Task.Delay(50);
        }
    }

    /// <summary>Polls the iteration through a replica's API (retrying while the database is away) until it finishes.</summary>
    private async Task<IterationView> WaitFinishedAsync(HttpClient client, string id, Replicas replicas)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            using var response = await client.GetAsync($"/iterations/{id}");
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<IterationView>(JsonSerializerOptions.Web))! is { } view
                && IterationStatus.IsFinished(view.Status))
                return view;
            if (DateTime.UtcNow > deadline)
            {
                foreach (var (name, server) in replicas.Running)
                    output.WriteLine($"--- {name}:\n{server.Output}");
                throw new TimeoutException($"The iteration did not finish: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Polls readiness until it answers <paramref name="expected"/> (or 20 s pass); the last status.</summary>
    private static async Task<HttpStatusCode> ReadyStatusAsync(HttpClient client, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            if (response.StatusCode == expected || DateTime.UtcNow > deadline)
                return response.StatusCode;
            await Task.Delay(100);
        }
    }
}
