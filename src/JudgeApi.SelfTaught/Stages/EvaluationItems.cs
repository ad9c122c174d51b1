namespace JudgeApi.SelfTaught;

/// <summary>What an iteration's evaluation compares, fixed when its items are made, so every replica judges the same way.</summary>
/// <param name="ActiveAdapterId">The adapter active when the evaluation began; null: the base model was serving (no "active" items then).</param>
/// <param name="Mode">The judge mode's name (<see cref="JudgeApi.Judging.JudgeModes.Name"/>).</param>
/// <param name="Labeled">A labeled set was configured, so the report has a labeled result.</param>
public sealed record EvaluationPlan(string? ActiveAdapterId, string CandidateAdapterId, string Mode, int MaxReasoningTokens, bool AllowTie, bool Labeled);

/// <summary>One pair of an evaluation set to judge in both orders with one set of weights (<see cref="EvaluationItems.Weights"/>).</summary>
public sealed record EvaluationItem(long Id, string Set, string Weights, int Ordinal, LabeledPair Pair);

/// <summary>
/// An iteration's evaluation as items (tables <c>evaluation_plans</c>, <c>evaluation_items</c>): per evaluation set,
/// per set of weights (base, active, candidate), per pair, one item judged in both orders, claimed with a lease by any
/// replica like the pipeline's items and recorded once with the replica that did it. The report is computed from the
/// recorded outcomes (<see cref="Report"/>), so it is the same whoever judged which pair.
/// </summary>
public sealed class EvaluationItems(SelfTaughtDatabase database)
{
    /// <summary>The table of the items, as lease renewals name it.</summary>
    public const string Table = "evaluation_items";

    /// <summary>Evaluation sets, as items name them and in report order.</summary>
    public const string HeldOut = "heldout", LabeledSet = "labeled";

    /// <summary>The weights an item is judged with.</summary>
    public static class Weights
    {
        public const string Base = "base", Active = "active", Candidate = "candidate";
    }

    /// <summary>Migration 7: evaluation split into items any replica claims (the lease columns as on <c>pairs</c>).</summary>
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS evaluation_plans (
            iteration_id TEXT PRIMARY KEY REFERENCES iterations(id),
            active_adapter_id TEXT NULL,
            candidate_adapter_id TEXT NOT NULL,
            mode TEXT NOT NULL,
            max_reasoning_tokens INTEGER NOT NULL,
            allow_tie INTEGER NOT NULL,
            labeled INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS evaluation_items (
            id INTEGER PRIMARY KEY,
            iteration_id TEXT NOT NULL REFERENCES evaluation_plans(iteration_id),
            set_name TEXT NOT NULL,
            weights TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            pair TEXT NOT NULL,
            done INTEGER NOT NULL,
            first_verdict TEXT NULL,
            second_verdict TEXT NULL,
            evaluated_by TEXT NULL,
            lease_owner TEXT NULL,
            lease_until INTEGER NULL,
            UNIQUE (iteration_id, set_name, weights, ordinal));
        CREATE INDEX IF NOT EXISTS evaluation_items_todo ON evaluation_items(iteration_id, done, id);
        CREATE INDEX IF NOT EXISTS evaluation_items_lease ON evaluation_items(lease_owner) WHERE lease_owner IS NOT NULL;
        """;

    public EvaluationPlan? Plan(string iterationId) => database.Read(db => db.Query("""
        SELECT active_adapter_id, candidate_adapter_id, mode, max_reasoning_tokens, allow_tie, labeled FROM evaluation_plans WHERE iteration_id = @id
        """, r => new EvaluationPlan(r.GetNullableString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt64(4) != 0, r.GetInt64(5) != 0),
        ("@id", iterationId)).SingleOrDefault());

    /// <summary>
    /// Records the plan and one item per set, weights and pair, in one transaction, unless the iteration has its items
    /// already (a leader that resumed the stage): then nothing is written and what was recorded stays.
    /// </summary>
    public void Create(string iterationId, EvaluationPlan plan, IReadOnlyList<LabeledPair> heldOut, IReadOnlyList<LabeledPair>? labeled) => database.Write(db =>
    {
        if (db.Scalar("SELECT 1 FROM evaluation_plans WHERE iteration_id = @id", ("@id", iterationId)) is not null)
            return;
        db.Execute("""
            INSERT INTO evaluation_plans (iteration_id, active_adapter_id, candidate_adapter_id, mode, max_reasoning_tokens, allow_tie, labeled)
            VALUES (@id, @active, @candidate, @mode, @tokens, @tie, @labeled)
            """, ("@id", iterationId), ("@active", plan.ActiveAdapterId), ("@candidate", plan.CandidateAdapterId), ("@mode", plan.Mode),
            ("@tokens", plan.MaxReasoningTokens), ("@tie", plan.AllowTie ? 1 : 0), ("@labeled", plan.Labeled ? 1 : 0));
        using var insert = db.Command("""
            INSERT INTO evaluation_items (iteration_id, set_name, weights, ordinal, pair, done) VALUES (@id, @set, @weights, @ordinal, @pair, 0)
            """, ("@id", iterationId));
        string[] weights = plan.ActiveAdapterId is null ? [Weights.Base, Weights.Candidate] : [Weights.Base, Weights.Active, Weights.Candidate];
        foreach (var (set, pairs) in new[] { (HeldOut, heldOut), (LabeledSet, labeled ?? Array.Empty<LabeledPair>()) })
            foreach (var w in weights)
                for (var i = 0; i < pairs.Count; i++)
                    Db.Execute(insert, ("@set", set), ("@weights", w), ("@ordinal", i), ("@pair", Db.Json(pairs[i])));
    });

    /// <summary>Takes the next item not recorded that no live lease holds, while the iteration runs; null when there is none to take now.</summary>
    public EvaluationItem? Claim(string iterationId, ItemLease lease) => database.Claim(db => db.Query($"""
        UPDATE evaluation_items SET lease_owner = @owner, lease_until = {db.Dialect.NowMilliseconds} + @ms
        WHERE id = (SELECT id FROM evaluation_items
                    WHERE iteration_id = @iteration AND done = 0 AND (lease_until IS NULL OR lease_until < {db.Dialect.NowMilliseconds})
                      AND EXISTS (SELECT 1 FROM iterations WHERE id = @iteration AND status = @running AND cancel_requested = 0)
                    ORDER BY id LIMIT 1{db.Dialect.SkipLocked})
        RETURNING id, set_name, weights, ordinal, pair
        """, r => new EvaluationItem(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), Db.FromJson<LabeledPair>(r.GetString(4))),
        ("@owner", lease.Owner), ("@ms", lease.Milliseconds), ("@iteration", iterationId), ("@running", IterationStatus.Running)).SingleOrDefault());

    /// <summary>True while some item of the iteration is not recorded (claimed or not).</summary>
    public bool AnyLeft(string iterationId) => database.Read(db =>
        db.Scalar("SELECT 1 FROM evaluation_items WHERE iteration_id = @iteration AND done = 0 LIMIT 1", ("@iteration", iterationId)) is not null);

    /// <summary>Records an item's verdicts unless it was recorded already (by a replica whose lease this one outlived); false then.</summary>
    public bool Save(long itemId, PairOutcome outcome, string replica) => database.Write(db => db.Execute("""
        UPDATE evaluation_items SET done = 1, first_verdict = @first, second_verdict = @second, evaluated_by = @replica, lease_owner = NULL, lease_until = NULL
        WHERE id = @id AND done = 0
        """, ("@first", outcome.First?.ToString()), ("@second", outcome.Second?.ToString()), ("@replica", replica), ("@id", itemId)) == 1);

    /// <summary>
    /// The report from the recorded outcomes of a finished evaluation, in the caller's transaction: each set's scores
    /// per weights over its pairs in set order (<see cref="PairwiseEvaluator.Score"/>, as a single run computes them).
    /// </summary>
    internal static EvaluationReport Report(Db db, string iterationId)
    {
        var plan = db.Query("SELECT active_adapter_id, mode, labeled FROM evaluation_plans WHERE iteration_id = @id",
            r => (Active: r.GetNullableString(0), Mode: r.GetString(1), Labeled: r.GetInt64(2) != 0), ("@id", iterationId)).Single();
        var outcomes = db.Query("""
            SELECT set_name, weights, pair, first_verdict, second_verdict, done FROM evaluation_items WHERE iteration_id = @id ORDER BY set_name, weights, ordinal
            """, r => (Set: r.GetString(0), Weights: r.GetString(1), Done: r.GetInt64(5) != 0,
                Outcome: new PairOutcome(Db.FromJson<LabeledPair>(r.GetString(2)), ParseVerdict(r.GetNullableString(3)), ParseVerdict(r.GetNullableString(4)))),
            ("@id", iterationId));
        if (outcomes.Any(o => !o.Done))
            throw new InvalidOperationException($"The evaluation of iteration {iterationId} has items not recorded yet.");

        EvaluationSetResult Set(string set)
        {
            AccuracyScore Score(string weights) => PairwiseEvaluator.Score([.. outcomes.Where(o => o.Set == set && o.Weights == weights).Select(o => o.Outcome)]);
            return new EvaluationSetResult(outcomes.Count(o => o.Set == set && o.Weights == Weights.Base), Score(Weights.Base),
                plan.Active is null ? null : Score(Weights.Active), Score(Weights.Candidate));
        }

        return new EvaluationReport(plan.Active, plan.Mode, Set(HeldOut), plan.Labeled ? Set(LabeledSet) : null);
    }

    /// <summary>Which replica recorded how many of the iteration's evaluation items.</summary>
    public IReadOnlyDictionary<string, int> ByReplica(string iterationId) => database.Read(db => db.Query(
        "SELECT evaluated_by, COUNT(*) FROM evaluation_items WHERE iteration_id = @id AND done = 1 GROUP BY evaluated_by",
        r => (r.GetString(0), r.GetInt32(1)), ("@id", iterationId))).ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);

    private static Verdict? ParseVerdict(string? value) => value is null ? null : Enum.Parse<Verdict>(value);
}
