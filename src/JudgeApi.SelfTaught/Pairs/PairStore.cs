using System.Data.Common;
using System.Runtime.CompilerServices;

namespace JudgeApi.SelfTaught;

/// <summary>
/// An iteration's items (tables <c>pairs</c>, <c>judgments</c>, <c>examples</c>): the selection, each pair's synthesis
/// and annotation, and the dataset. Every item's result is one transaction that also moves the pair's state, so a
/// stage finds exactly the items still to do.
/// </summary>
public sealed class PairStore(SelfTaughtDatabase database)
{
    /// <summary>The table of the pairs, items of the synthesis and annotation stages.</summary>
    public const string Table = "pairs";

    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS pairs (
            id INTEGER PRIMARY KEY,
            iteration_id TEXT NOT NULL REFERENCES iterations(id),
            instruction_id INTEGER NOT NULL REFERENCES instructions(id),
            ordinal INTEGER NOT NULL,
            state TEXT NOT NULL,
            instruction TEXT NOT NULL,
            modified_instruction TEXT NULL,
            chosen TEXT NULL,
            rejected TEXT NULL,
            synthesis TEXT NULL,
            judgments INTEGER NULL,
            correct INTEGER NULL,
            kept_sample INTEGER NULL,
            label TEXT NULL,
            discard_reason TEXT NULL,
            UNIQUE (iteration_id, instruction_id));
        CREATE INDEX IF NOT EXISTS pairs_iteration_state ON pairs(iteration_id, state, ordinal);

        CREATE TABLE IF NOT EXISTS judgments (
            pair_id INTEGER NOT NULL REFERENCES pairs(id),
            sample INTEGER NOT NULL,
            chosen_position TEXT NOT NULL,
            winner TEXT NULL,
            correct INTEGER NOT NULL,
            seed INTEGER NOT NULL,
            probability_a REAL NULL,
            reasoning TEXT NOT NULL,
            completion TEXT NOT NULL,
            PRIMARY KEY (pair_id, sample));

        CREATE TABLE IF NOT EXISTS examples (
            pair_id INTEGER PRIMARY KEY REFERENCES pairs(id),
            iteration_id TEXT NOT NULL REFERENCES iterations(id),
            label TEXT NOT NULL,
            messages TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS examples_iteration ON examples(iteration_id, pair_id);
        """;

    /// <summary>Migration 6: the lease of a replica working on a pair, and which replica recorded its synthesis and its annotation.</summary>
    internal const string LeaseColumns = """
        ALTER TABLE pairs ADD COLUMN lease_owner TEXT NULL;
        ALTER TABLE pairs ADD COLUMN lease_until INTEGER NULL;
        ALTER TABLE pairs ADD COLUMN synthesized_by TEXT NULL;
        ALTER TABLE pairs ADD COLUMN annotated_by TEXT NULL;
        CREATE INDEX IF NOT EXISTS pairs_lease ON pairs(lease_owner) WHERE lease_owner IS NOT NULL;
        """;

    /// <summary>Migration 4: each judgment and example records the judge behaviour that made it (null before).</summary>
    internal const string BehaviorVersionColumns = """
        ALTER TABLE judgments ADD COLUMN behavior_version TEXT NULL;
        ALTER TABLE examples ADD COLUMN behavior_version TEXT NULL;
        """;

    /// <summary>
    /// Migration 5: a pair of a multi-turn instruction keeps its follow-up questions (copied at selection) and the
    /// earlier turns synthesis wrote (<see cref="HistoryTurn"/> JSON).
    /// </summary>
    internal const string MultiTurnColumns = """
        ALTER TABLE pairs ADD COLUMN follow_ups TEXT NULL;
        ALTER TABLE pairs ADD COLUMN history TEXT NULL;
        """;

    /// <summary>Records the selection, one pair per instruction in selection order, in the caller's transaction.</summary>
    internal static void SaveSelection(Db db, string iterationId, IReadOnlyList<PoolInstruction> selected)
    {
        using var insert = db.Command("""
            INSERT INTO pairs (iteration_id, instruction_id, ordinal, state, instruction, follow_ups)
            VALUES (@iteration, @instruction, @ordinal, @state, @text, @followUps)
            """, ("@iteration", iterationId), ("@state", PairState.Selected));
        for (var i = 0; i < selected.Count; i++)
            Db.Execute(insert, ("@instruction", selected[i].Id), ("@ordinal", i), ("@text", selected[i].Text),
                ("@followUps", selected[i].FollowUps is null ? null : Db.Json(selected[i].FollowUps)));
    }

    /// <summary>The columns of a pair as <see cref="ReadPair"/> reads them.</summary>
    private const string PairColumns = "id, instruction_id, instruction, modified_instruction, chosen, rejected, follow_ups, history";

    private static PairRecord ReadPair(DbDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetNullableString(3), r.GetNullableString(4), r.GetNullableString(5))
        {
            FollowUps = r.GetJson<List<string>>(6),
            History = r.GetJson<List<HistoryTurn>>(7),
        };

    public IReadOnlyList<PairRecord> InState(string iterationId, string state) => database.Read(db => db.Query($"""
        SELECT {PairColumns}
        FROM pairs WHERE iteration_id = @iteration AND state = @state ORDER BY ordinal
        """, ReadPair, ("@iteration", iterationId), ("@state", state)));

    /// <summary>
    /// Takes the next pair in <paramref name="state"/> (selected: to synthesise; synthesized: to annotate) that no live
    /// lease holds, while the iteration runs; null when there is none to take now (all recorded, or held by others).
    /// </summary>
    public PairRecord? Claim(string iterationId, string state, ItemLease lease) => database.Claim(db => db.Query($"""
        UPDATE pairs SET lease_owner = @owner, lease_until = {db.Dialect.NowMilliseconds} + @ms
        WHERE id = (SELECT id FROM pairs
                    WHERE iteration_id = @iteration AND state = @state AND (lease_until IS NULL OR lease_until < {db.Dialect.NowMilliseconds})
                      AND EXISTS (SELECT 1 FROM iterations WHERE id = @iteration AND status = @running AND cancel_requested = 0)
                    ORDER BY ordinal LIMIT 1{db.Dialect.SkipLocked})
        RETURNING {PairColumns}
        """, ReadPair, ("@owner", lease.Owner), ("@ms", lease.Milliseconds), ("@iteration", iterationId), ("@state", state), ("@running", IterationStatus.Running)).SingleOrDefault());

    /// <summary>True while some pair of the iteration is still in <paramref name="state"/> (claimed or not).</summary>
    public bool AnyInState(string iterationId, string state) => database.Read(db =>
        db.Scalar("SELECT 1 FROM pairs WHERE iteration_id = @iteration AND state = @state LIMIT 1", ("@iteration", iterationId), ("@state", state)) is not null);

    /// <summary>Records a pair's synthesis unless it was recorded already (by another replica whose lease this one outlived); false then.</summary>
    public bool SaveSynthesis(long pairId, PairSynthesis synthesis, string? replica = null) => database.Write(db => db.Execute("""
        UPDATE pairs SET modified_instruction = @modified, chosen = @chosen, rejected = @rejected, synthesis = @synthesis,
            history = @history, state = @state, discard_reason = @reason, synthesized_by = @replica, lease_owner = NULL, lease_until = NULL
        WHERE id = @id AND state = @selected
        """,
        ("@modified", synthesis.ModifiedInstruction), ("@chosen", synthesis.Chosen), ("@rejected", synthesis.Rejected),
        ("@synthesis", Db.Json(synthesis.Provenance)), ("@history", synthesis.History is null ? null : Db.Json(synthesis.History)),
        ("@state", synthesis.DiscardReason is null ? PairState.Synthesized : PairState.Discarded),
        ("@reason", synthesis.DiscardReason), ("@replica", replica), ("@id", pairId), ("@selected", PairState.Selected)) == 1);

    /// <summary>Every model that wrote texts of the iteration's pairs, each once (in the caller's snapshot).</summary>
    internal static IReadOnlyList<GeneratorIdentity> Generators(Db db, string iterationId) => db.Query($"""
        SELECT DISTINCT CAST(g.value AS TEXT) FROM pairs p, {db.Dialect.JsonArrayElements("p.synthesis", "generators")} g
        WHERE p.iteration_id = @iteration ORDER BY 1
        """, r => Db.FromJson<GeneratorIdentity>(r.GetString(0)), ("@iteration", iterationId));

    /// <summary>
    /// Stores all N judgments of a pair and its outcome in one transaction, unless the pair was annotated already (by
    /// another replica whose lease this one outlived): false then, and nothing is written, so a pair is recorded once.
    /// </summary>
    public bool SaveAnnotation(long pairId, IReadOnlyList<JudgmentRecord> judgments, int? keptSample, string? replica = null) => database.Write(db =>
    {
        var updated = db.Execute("""
            UPDATE pairs SET judgments = @judgments, correct = @correct, kept_sample = @kept, state = @state, discard_reason = @reason,
                annotated_by = @replica, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND state = @synthesized
            """,
            ("@judgments", judgments.Count), ("@correct", judgments.Count(j => j.Correct)), ("@kept", keptSample),
            ("@state", keptSample is null ? PairState.Discarded : PairState.Annotated), ("@reason", keptSample is null ? DiscardReason.NoCorrectJudgment : null),
            ("@replica", replica), ("@id", pairId), ("@synthesized", PairState.Synthesized));
        if (updated != 1)
            return false;
        using var insert = db.Command("""
            INSERT INTO judgments (pair_id, sample, chosen_position, winner, correct, seed, probability_a, reasoning, completion, behavior_version)
            VALUES (@pair, @sample, @chosen, @winner, @correct, @seed, @probability, @reasoning, @completion, @behavior)
            """, ("@pair", pairId));
        foreach (var judgment in judgments)
            Db.Execute(insert, ("@sample", judgment.Sample), ("@chosen", judgment.ChosenPosition.ToString()), ("@winner", judgment.Winner?.ToString()),
                ("@correct", judgment.Correct ? 1 : 0), ("@seed", (long)judgment.Seed), ("@probability", judgment.ProbabilityA),
                ("@reasoning", judgment.Reasoning), ("@completion", judgment.Completion), ("@behavior", judgment.BehaviorVersion));
        return true;
    });

    public IReadOnlyList<AnnotatedPair> Annotated(string iterationId) => database.Read(db =>
    {
        var result = new List<AnnotatedPair>();
        using var command = db.Command("""
            SELECT p.id, p.instruction_id, p.instruction, p.chosen, p.rejected, p.kept_sample,
                   j.sample, j.chosen_position, j.winner, j.seed, j.probability_a, j.reasoning, j.completion, j.behavior_version, p.follow_ups, p.history
            FROM pairs p JOIN judgments j ON j.pair_id = p.id
            WHERE p.iteration_id = @iteration AND p.state = @annotated
            ORDER BY p.ordinal, j.sample
            """, ("@iteration", iterationId), ("@annotated", PairState.Annotated));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var pairId = reader.GetInt64(0);
            if (result.Count == 0 || result[^1].Id != pairId)
            {
                result.Add(new(pairId, reader.GetInt64(1), PoolInstruction.Judged(reader.GetString(2), reader.GetJson<List<string>>(14)), reader.GetString(3),
                    reader.GetString(4), new List<JudgmentRecord>(), reader.GetInt32(5), reader.GetJson<List<HistoryTurn>>(15)));
            }
            ((List<JudgmentRecord>)result[^1].Judgments).Add(new(reader.GetInt32(6), Enum.Parse<PairPosition>(reader.GetString(7)),
                reader.IsDBNull(8) ? null : Enum.Parse<PairPosition>(reader.GetString(8)), (uint)reader.GetInt64(9),
                reader.GetNullableDouble(10), reader.GetString(11), reader.GetString(12), reader.GetNullableString(13)));
        }
        return result;
    });

    /// <summary>Writes the dataset in the caller's transaction: each kept pair's example, and the pairs dropped for balance.</summary>
    internal static void SaveDataset(Db db, string iterationId, IReadOnlyList<DatasetDecision> decisions)
    {
        using var keep = db.Command("UPDATE pairs SET state = @kept, kept_sample = @sample, label = @label WHERE id = @id AND state = @annotated",
            ("@kept", PairState.Kept), ("@annotated", PairState.Annotated));
        using var drop = db.Command("UPDATE pairs SET state = @discarded, discard_reason = @reason WHERE id = @id AND state = @annotated",
            ("@discarded", PairState.Discarded), ("@annotated", PairState.Annotated));
        using var example = db.Command("""
            INSERT INTO examples (pair_id, iteration_id, label, messages, behavior_version) VALUES (@id, @iteration, @label, @messages, @behavior)
            """,
            ("@iteration", iterationId));
        foreach (var decision in decisions)
        {
            if (decision.KeptSample is not { } sample)
            {
                Db.Execute(drop, ("@id", decision.PairId), ("@reason", decision.DropReason));
                continue;
            }
            var label = decision.Label!.Value.ToString();
            Db.Execute(keep, ("@id", decision.PairId), ("@sample", sample), ("@label", label));
            Db.Execute(example, ("@id", decision.PairId), ("@label", label), ("@messages", decision.MessagesJson), ("@behavior", decision.BehaviorVersion));
        }
    }

    public async IAsyncEnumerable<DatasetExample> ReadDataset(string iterationId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = new Db(connection, null, database.Dialect).Command(
            "SELECT pair_id, label, messages, behavior_version FROM examples WHERE iteration_id = @iteration ORDER BY pair_id", ("@iteration", iterationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new(reader.GetInt64(0), Enum.Parse<PairPosition>(reader.GetString(1)), reader.GetString(2), reader.GetNullableString(3));
    }

    /// <summary>Kept examples (chat messages JSON) of this iteration, or of it and every earlier succeeded one.</summary>
    public IReadOnlyList<string> TrainingExamples(string iterationId, string data) => database.Read(db => db.Query(data == TrainingData.Cumulative
        ? """
          SELECT e.messages FROM examples e JOIN iterations i ON i.id = e.iteration_id
          WHERE e.iteration_id = @id OR i.status = @succeeded ORDER BY i.number, e.pair_id
          """
        : "SELECT messages FROM examples WHERE iteration_id = @id ORDER BY pair_id",
        r => r.GetString(0), ("@id", iterationId), ("@succeeded", IterationStatus.Succeeded)));

    /// <summary>An iteration's progress and dataset metrics, in the caller's snapshot.</summary>
    internal static (IterationProgress Progress, IterationMetrics Metrics) Statistics(Db db, string iterationId)
    {
        var (progress, selfAccuracy, labelA, labelB) = db.Query("""
            SELECT
                COUNT(*),
                SUM(CASE WHEN state <> @selected THEN 1 ELSE 0 END),
                SUM(CASE WHEN state IN (@annotated, @kept) THEN 1 ELSE 0 END),
                SUM(CASE WHEN state = @discarded THEN 1 ELSE 0 END),
                AVG(CASE WHEN judgments > 0 THEN CAST(correct AS DOUBLE PRECISION) / judgments END),
                SUM(CASE WHEN label = @a THEN 1 ELSE 0 END),
                SUM(CASE WHEN label = @b THEN 1 ELSE 0 END),
                (SELECT COUNT(*) FROM judgments j JOIN pairs q ON q.id = j.pair_id WHERE q.iteration_id = @iteration)
            FROM pairs WHERE iteration_id = @iteration
            """, reader =>
            {
                int Int(int ordinal) => reader.GetNullableInt32(ordinal) ?? 0;
                return (new IterationProgress(Int(0), Int(1), Int(7), Int(2), Int(3)), reader.GetNullableDouble(4), Int(5), Int(6));
            },
            ("@iteration", iterationId), ("@selected", PairState.Selected), ("@annotated", PairState.Annotated), ("@kept", PairState.Kept),
            ("@discarded", PairState.Discarded), ("@a", nameof(PairPosition.A)), ("@b", nameof(PairPosition.B))).Single();
        var metrics = new IterationMetrics(
            selfAccuracy,
            progress.Pairs == 0 ? null : (double)progress.Kept / progress.Pairs,
            labelA + labelB == 0 ? null : (double)labelA / (labelA + labelB),
            labelA,
            labelB,
            DiscardReasons(db, iterationId));
        return (progress, metrics);
    }

    private static SortedDictionary<string, int> DiscardReasons(Db db, string iterationId) => new(
        db.Query("SELECT discard_reason, COUNT(*) FROM pairs WHERE iteration_id = @iteration AND state = @discarded GROUP BY discard_reason",
            r => (Reason: r.GetString(0), Count: r.GetInt32(1)), ("@iteration", iterationId), ("@discarded", PairState.Discarded))
        .ToDictionary(r => r.Reason, r => r.Count), StringComparer.Ordinal);
}
