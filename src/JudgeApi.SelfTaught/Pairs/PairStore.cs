using System.Runtime.CompilerServices;

namespace JudgeApi.SelfTaught;

/// <summary>
/// An iteration's items (tables <c>pairs</c>, <c>judgments</c>, <c>examples</c>): the selection, each pair's synthesis
/// and annotation, and the dataset. Every item's result is one transaction that also moves the pair's state, so a
/// stage finds exactly the items still to do.
/// </summary>
public sealed class PairStore(SelfTaughtDatabase database)
{
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

    /// <summary>Migration 3: each judgment and example records the judge behaviour that made it (null before).</summary>
    internal const string BehaviorVersionColumns = """
        ALTER TABLE judgments ADD COLUMN behavior_version TEXT NULL;
        ALTER TABLE examples ADD COLUMN behavior_version TEXT NULL;
        """;

    /// <summary>Records the selection, one pair per instruction in selection order, in the caller's transaction.</summary>
    internal static void SaveSelection(Db db, string iterationId, IReadOnlyList<PoolInstruction> selected)
    {
        using var insert = db.Command("""
            INSERT INTO pairs (iteration_id, instruction_id, ordinal, state, instruction)
            VALUES ($iteration, $instruction, $ordinal, $state, $text)
            """, ("$iteration", iterationId), ("$state", PairState.Selected));
        for (var i = 0; i < selected.Count; i++)
            Db.Execute(insert, ("$instruction", selected[i].Id), ("$ordinal", i), ("$text", selected[i].Text));
    }

    public IReadOnlyList<PairRecord> InState(string iterationId, string state) => database.Read(db => db.Query("""
        SELECT id, instruction_id, instruction, modified_instruction, chosen, rejected
        FROM pairs WHERE iteration_id = $iteration AND state = $state ORDER BY ordinal
        """, r => new PairRecord(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetNullableString(3), r.GetNullableString(4), r.GetNullableString(5)),
        ("$iteration", iterationId), ("$state", state)));

    public void SaveSynthesis(long pairId, PairSynthesis synthesis) => database.Write(db => db.Execute("""
        UPDATE pairs SET modified_instruction = $modified, chosen = $chosen, rejected = $rejected, synthesis = $synthesis,
            state = $state, discard_reason = $reason
        WHERE id = $id AND state = $selected
        """,
        ("$modified", synthesis.ModifiedInstruction), ("$chosen", synthesis.Chosen), ("$rejected", synthesis.Rejected),
        ("$synthesis", Db.Json(synthesis.Provenance)), ("$state", synthesis.DiscardReason is null ? PairState.Synthesized : PairState.Discarded),
        ("$reason", synthesis.DiscardReason), ("$id", pairId), ("$selected", PairState.Selected)));

    /// <summary>Stores all N judgments of a pair and its outcome in one transaction.</summary>
    public void SaveAnnotation(long pairId, IReadOnlyList<JudgmentRecord> judgments, int? keptSample) => database.Write(db =>
    {
        using var insert = db.Command("""
            INSERT INTO judgments (pair_id, sample, chosen_position, winner, correct, seed, probability_a, reasoning, completion, behavior_version)
            VALUES ($pair, $sample, $chosen, $winner, $correct, $seed, $probability, $reasoning, $completion, $behavior)
            """, ("$pair", pairId));
        foreach (var judgment in judgments)
            Db.Execute(insert, ("$sample", judgment.Sample), ("$chosen", judgment.ChosenPosition.ToString()), ("$winner", judgment.Winner?.ToString()),
                ("$correct", judgment.Correct ? 1 : 0), ("$seed", (long)judgment.Seed), ("$probability", judgment.ProbabilityA),
                ("$reasoning", judgment.Reasoning), ("$completion", judgment.Completion), ("$behavior", judgment.BehaviorVersion));
        var updated = db.Execute("""
            UPDATE pairs SET judgments = $judgments, correct = $correct, kept_sample = $kept, state = $state, discard_reason = $reason
            WHERE id = $id AND state = $synthesized
            """,
            ("$judgments", judgments.Count), ("$correct", judgments.Count(j => j.Correct)), ("$kept", keptSample),
            ("$state", keptSample is null ? PairState.Discarded : PairState.Annotated), ("$reason", keptSample is null ? DiscardReason.NoCorrectJudgment : null),
            ("$id", pairId), ("$synthesized", PairState.Synthesized));
        if (updated != 1)
            throw new InvalidOperationException($"Pair {pairId} was not waiting for annotation; it was annotated twice.");
    });

    public IReadOnlyList<AnnotatedPair> Annotated(string iterationId) => database.Read(db =>
    {
        var result = new List<AnnotatedPair>();
        using var command = db.Command("""
            SELECT p.id, p.instruction_id, p.instruction, p.chosen, p.rejected, p.kept_sample,
                   j.sample, j.chosen_position, j.winner, j.seed, j.probability_a, j.reasoning, j.completion, j.behavior_version
            FROM pairs p JOIN judgments j ON j.pair_id = p.id
            WHERE p.iteration_id = $iteration AND p.state = $annotated
            ORDER BY p.ordinal, j.sample
            """, ("$iteration", iterationId), ("$annotated", PairState.Annotated));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var pairId = reader.GetInt64(0);
            if (result.Count == 0 || result[^1].Id != pairId)
                result.Add(new(pairId, reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), new List<JudgmentRecord>(), reader.GetInt32(5)));
            ((List<JudgmentRecord>)result[^1].Judgments).Add(new(reader.GetInt32(6), Enum.Parse<PairPosition>(reader.GetString(7)),
                reader.IsDBNull(8) ? null : Enum.Parse<PairPosition>(reader.GetString(8)), (uint)reader.GetInt64(9),
                reader.GetNullableDouble(10), reader.GetString(11), reader.GetString(12), reader.GetNullableString(13)));
        }
        return result;
    });

    /// <summary>Writes the dataset in the caller's transaction: each kept pair's example, and the pairs dropped for balance.</summary>
    internal static void SaveDataset(Db db, string iterationId, IReadOnlyList<DatasetDecision> decisions)
    {
        using var keep = db.Command("UPDATE pairs SET state = $kept, kept_sample = $sample, label = $label WHERE id = $id AND state = $annotated",
            ("$kept", PairState.Kept), ("$annotated", PairState.Annotated));
        using var drop = db.Command("UPDATE pairs SET state = $discarded, discard_reason = $reason WHERE id = $id AND state = $annotated",
            ("$discarded", PairState.Discarded), ("$reason", DiscardReason.LabelBalance), ("$annotated", PairState.Annotated));
        using var example = db.Command("""
            INSERT INTO examples (pair_id, iteration_id, label, messages, behavior_version) VALUES ($id, $iteration, $label, $messages, $behavior)
            """,
            ("$iteration", iterationId));
        foreach (var decision in decisions)
        {
            if (decision.KeptSample is not { } sample)
            {
                Db.Execute(drop, ("$id", decision.PairId));
                continue;
            }
            var label = decision.Label!.Value.ToString();
            Db.Execute(keep, ("$id", decision.PairId), ("$sample", sample), ("$label", label));
            Db.Execute(example, ("$id", decision.PairId), ("$label", label), ("$messages", decision.MessagesJson), ("$behavior", decision.BehaviorVersion));
        }
    }

    public async IAsyncEnumerable<DatasetExample> ReadDataset(string iterationId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = new Db(connection, null).Command(
            "SELECT pair_id, label, messages, behavior_version FROM examples WHERE iteration_id = $iteration ORDER BY pair_id", ("$iteration", iterationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new(reader.GetInt64(0), Enum.Parse<PairPosition>(reader.GetString(1)), reader.GetString(2), reader.GetNullableString(3));
    }

    /// <summary>Kept examples (chat messages JSON) of this iteration, or of it and every earlier succeeded one.</summary>
    public IReadOnlyList<string> TrainingExamples(string iterationId, string data) => database.Read(db => db.Query(data == TrainingData.Cumulative
        ? """
          SELECT e.messages FROM examples e JOIN iterations i ON i.id = e.iteration_id
          WHERE e.iteration_id = $id OR i.status = $succeeded ORDER BY i.number, e.pair_id
          """
        : "SELECT messages FROM examples WHERE iteration_id = $id ORDER BY pair_id",
        r => r.GetString(0), ("$id", iterationId), ("$succeeded", IterationStatus.Succeeded)));

    /// <summary>An iteration's progress and dataset metrics, in the caller's snapshot.</summary>
    internal static (IterationProgress Progress, IterationMetrics Metrics) Statistics(Db db, string iterationId)
    {
        using var command = db.Command("""
            SELECT
                COUNT(*),
                SUM(state <> $selected),
                SUM(state IN ($annotated, $kept)),
                SUM(state = $discarded),
                AVG(CASE WHEN judgments > 0 THEN CAST(correct AS REAL) / judgments END),
                SUM(label = $a),
                SUM(label = $b),
                (SELECT COUNT(*) FROM judgments j JOIN pairs q ON q.id = j.pair_id WHERE q.iteration_id = $iteration)
            FROM pairs WHERE iteration_id = $iteration
            """,
            ("$iteration", iterationId), ("$selected", PairState.Selected), ("$annotated", PairState.Annotated), ("$kept", PairState.Kept),
            ("$discarded", PairState.Discarded), ("$a", nameof(PairPosition.A)), ("$b", nameof(PairPosition.B)));
        using var reader = command.ExecuteReader();
        reader.Read();
        int Int(int ordinal) => reader.GetNullableInt32(ordinal) ?? 0;
        var progress = new IterationProgress(Int(0), Int(1), Int(7), Int(2), Int(3));
        int labelA = Int(5), labelB = Int(6);
        var metrics = new IterationMetrics(
            reader.GetNullableDouble(4),
            progress.Pairs == 0 ? null : (double)progress.Kept / progress.Pairs,
            labelA + labelB == 0 ? null : (double)labelA / (labelA + labelB),
            labelA,
            labelB,
            DiscardReasons(db, iterationId));
        return (progress, metrics);
    }

    private static SortedDictionary<string, int> DiscardReasons(Db db, string iterationId) => new(
        db.Query("SELECT discard_reason, COUNT(*) FROM pairs WHERE iteration_id = $iteration AND state = $discarded GROUP BY discard_reason",
            r => (Reason: r.GetString(0), Count: r.GetInt32(1)), ("$iteration", iterationId), ("$discarded", PairState.Discarded))
        .ToDictionary(r => r.Reason, r => r.Count), StringComparer.Ordinal);
}
