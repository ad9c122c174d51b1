using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

public sealed record IterationRecord(string Id, int Number, string Status, string Stage, IterationParameters Parameters, bool CancelRequested);

public sealed record PairRecord(long Id, long InstructionId, string Instruction, string? ModifiedInstruction, string? Chosen, string? Rejected);

/// <summary>Seeds and prompt versions a pair was made with, stored next to it.</summary>
public sealed record SynthesisProvenance(uint ChosenSeed, uint ModifySeed, uint RejectedSeed, string ResponsePrompt, string ModifyPrompt);

/// <param name="DiscardReason">Set for a degenerate pair, which is recorded but never annotated.</param>
public sealed record PairSynthesis(string ModifiedInstruction, string Chosen, string Rejected, string? DiscardReason, SynthesisProvenance Provenance);

public sealed record JudgmentRecord(int Sample, PairPosition ChosenPosition, PairPosition? Winner, uint Seed, double? ProbabilityA, string Reasoning, string Completion)
{
    /// <summary>A judgment is correct when it picks the response to the original instruction.</summary>
    public bool Correct => Winner == ChosenPosition;
}

public sealed record AnnotatedPair(long Id, long InstructionId, string Instruction, string Chosen, string Rejected, IReadOnlyList<JudgmentRecord> Judgments, int KeptSample);

/// <summary>A kept pair's training example, or (Example null) a pair dropped to balance labels.</summary>
public sealed record DatasetDecision(long PairId, int? KeptSample, PairPosition? Label, string? MessagesJson);

public sealed record DatasetExample(long PairId, PairPosition Label, string MessagesJson);

public enum CancelOutcome { NotFound, AlreadyFinished, Canceled, Requested }

/// <summary>Iterations, their pairs, judgments and dataset rows. Every item's result is one transaction.</summary>
public sealed class IterationStore(PipelineDatabase database, TimeProvider time)
{
    public IterationRecord Create(IterationParameters parameters)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = Command(connection, transaction, """
            INSERT INTO iterations (id, number, status, stage, parameters, created_at, updated_at)
            VALUES ($id, (SELECT COALESCE(MAX(number), 0) + 1 FROM iterations), $status, $stage, $parameters, $now, $now)
            RETURNING number
            """);
        var id = Guid.NewGuid().ToString("N");
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$status", IterationStatus.Queued);
        command.Parameters.AddWithValue("$stage", IterationStage.Pending);
        command.Parameters.AddWithValue("$parameters", JsonSerializer.Serialize(parameters, JsonSerializerOptions.Web));
        command.Parameters.AddWithValue("$now", Now());
        var number = Convert.ToInt32(command.ExecuteScalar());
        transaction.Commit();
        return new(id, number, IterationStatus.Queued, IterationStage.Pending, parameters, false);
    }

    public IterationRecord? Find(string id)
    {
        using var connection = database.Open();
        using var command = Command(connection, null, $"{SelectIteration} WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return ReadIterations(command).SingleOrDefault();
    }

    /// <summary>The iteration to work on: one left running by a crash first, else the oldest queued.</summary>
    public IterationRecord? NextRunnable()
    {
        using var connection = database.Open();
        using var command = Command(connection, null, $"""
            {SelectIteration} WHERE status IN ('{IterationStatus.Running}', '{IterationStatus.Queued}')
            ORDER BY CASE status WHEN '{IterationStatus.Running}' THEN 0 ELSE 1 END, number LIMIT 1
            """);
        return ReadIterations(command).SingleOrDefault();
    }

    public void SetStatus(string id, string status, string? error = null) =>
        Update(id, "status = $value, error = $error", status, error);

    /// <summary>Moves a queued iteration to running; false when it was canceled (or finished) in the meantime.</summary>
    public bool MarkRunning(string id)
    {
        using var connection = database.Open();
        using var command = Command(connection, null, $"""
            UPDATE iterations SET status = '{IterationStatus.Running}', updated_at = $now
            WHERE id = $id AND status IN ('{IterationStatus.Queued}', '{IterationStatus.Running}')
            """);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", Now());
        return command.ExecuteNonQuery() == 1;
    }

    public void SetStage(string id, string stage) => Update(id, "stage = $value", stage);

    public CancelOutcome RequestCancel(string id)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var read = Command(connection, transaction, "SELECT status FROM iterations WHERE id = $id");
        read.Parameters.AddWithValue("$id", id);
        if (read.ExecuteScalar() is not string status)
            return CancelOutcome.NotFound;
        if (IterationStatus.IsFinished(status))
            return CancelOutcome.AlreadyFinished;
        using var write = Command(connection, transaction, status == IterationStatus.Queued
            ? $"UPDATE iterations SET status = '{IterationStatus.Canceled}', cancel_requested = 1, updated_at = $now WHERE id = $id"
            : "UPDATE iterations SET cancel_requested = 1, updated_at = $now WHERE id = $id");
        write.Parameters.AddWithValue("$id", id);
        write.Parameters.AddWithValue("$now", Now());
        write.ExecuteNonQuery();
        transaction.Commit();
        return status == IterationStatus.Queued ? CancelOutcome.Canceled : CancelOutcome.Requested;
    }

    public bool IsCancelRequested(string id) => Find(id)?.CancelRequested ?? false;

    /// <summary>Records the whole selection and moves the iteration to synthesis in one transaction.</summary>
    public void SaveSelection(string id, IReadOnlyList<PoolInstruction> selected)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = Command(connection, transaction, """
            INSERT INTO pairs (iteration_id, instruction_id, ordinal, state, instruction)
            VALUES ($iteration, $instruction, $ordinal, 'selected', $text)
            """);
        insert.Parameters.AddWithValue("$iteration", id);
        var instruction = insert.Parameters.Add("$instruction", SqliteType.Integer);
        var ordinal = insert.Parameters.Add("$ordinal", SqliteType.Integer);
        var text = insert.Parameters.Add("$text", SqliteType.Text);
        for (var i = 0; i < selected.Count; i++)
        {
            instruction.Value = selected[i].Id;
            ordinal.Value = i;
            text.Value = selected[i].Text;
            insert.ExecuteNonQuery();
        }
        UpdateStage(connection, transaction, id, IterationStage.Synthesize);
        transaction.Commit();
    }

    public IReadOnlyList<PairRecord> PairsInState(string id, string state)
    {
        using var connection = database.Open();
        using var command = Command(connection, null, """
            SELECT id, instruction_id, instruction, modified_instruction, chosen, rejected
            FROM pairs WHERE iteration_id = $iteration AND state = $state ORDER BY ordinal
            """);
        command.Parameters.AddWithValue("$iteration", id);
        command.Parameters.AddWithValue("$state", state);
        var result = new List<PairRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            result.Add(new(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), NullableString(reader, 3),
                NullableString(reader, 4), NullableString(reader, 5)));
        return result;
    }

    public void SaveSynthesis(long pairId, PairSynthesis synthesis)
    {
        using var connection = database.Open();
        using var command = Command(connection, null, """
            UPDATE pairs SET modified_instruction = $modified, chosen = $chosen, rejected = $rejected, synthesis = $synthesis,
                state = $state, discard_reason = $reason
            WHERE id = $id AND state = 'selected'
            """);
        command.Parameters.AddWithValue("$modified", synthesis.ModifiedInstruction);
        command.Parameters.AddWithValue("$chosen", synthesis.Chosen);
        command.Parameters.AddWithValue("$rejected", synthesis.Rejected);
        command.Parameters.AddWithValue("$synthesis", JsonSerializer.Serialize(synthesis.Provenance, JsonSerializerOptions.Web));
        command.Parameters.AddWithValue("$state", synthesis.DiscardReason is null ? PairState.Synthesized : PairState.Discarded);
        command.Parameters.AddWithValue("$reason", (object?)synthesis.DiscardReason ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", pairId);
        command.ExecuteNonQuery();
    }

    /// <summary>Stores all N judgments of a pair and its outcome in one transaction.</summary>
    public void SaveAnnotation(long pairId, IReadOnlyList<JudgmentRecord> judgments, int? keptSample)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = Command(connection, transaction, """
            INSERT INTO judgments (pair_id, sample, chosen_position, winner, correct, seed, probability_a, reasoning, completion)
            VALUES ($pair, $sample, $chosen, $winner, $correct, $seed, $probability, $reasoning, $completion)
            """);
        insert.Parameters.AddWithValue("$pair", pairId);
        foreach (var judgment in judgments)
        {
            SetParameter(insert, "$sample", judgment.Sample);
            SetParameter(insert, "$chosen", judgment.ChosenPosition.ToString());
            SetParameter(insert, "$winner", judgment.Winner?.ToString());
            SetParameter(insert, "$correct", judgment.Correct ? 1 : 0);
            SetParameter(insert, "$seed", (long)judgment.Seed);
            SetParameter(insert, "$probability", judgment.ProbabilityA);
            SetParameter(insert, "$reasoning", judgment.Reasoning);
            SetParameter(insert, "$completion", judgment.Completion);
            insert.ExecuteNonQuery();
        }
        using var update = Command(connection, transaction, """
            UPDATE pairs SET judgments = $judgments, correct = $correct, kept_sample = $kept, state = $state, discard_reason = $reason
            WHERE id = $id AND state = 'synthesized'
            """);
        update.Parameters.AddWithValue("$judgments", judgments.Count);
        update.Parameters.AddWithValue("$correct", judgments.Count(j => j.Correct));
        update.Parameters.AddWithValue("$kept", (object?)keptSample ?? DBNull.Value);
        update.Parameters.AddWithValue("$state", keptSample is null ? PairState.Discarded : PairState.Annotated);
        update.Parameters.AddWithValue("$reason", keptSample is null ? DiscardReason.NoCorrectJudgment : DBNull.Value);
        update.Parameters.AddWithValue("$id", pairId);
        if (update.ExecuteNonQuery() != 1)
            throw new InvalidOperationException($"Pair {pairId} was not waiting for annotation; it was annotated twice.");
        transaction.Commit();
    }

    public IReadOnlyList<AnnotatedPair> AnnotatedPairs(string id)
    {
        using var connection = database.Open();
        using var command = Command(connection, null, """
            SELECT p.id, p.instruction_id, p.instruction, p.chosen, p.rejected, p.kept_sample,
                   j.sample, j.chosen_position, j.winner, j.seed, j.probability_a, j.reasoning, j.completion
            FROM pairs p JOIN judgments j ON j.pair_id = p.id
            WHERE p.iteration_id = $iteration AND p.state = 'annotated'
            ORDER BY p.ordinal, j.sample
            """);
        command.Parameters.AddWithValue("$iteration", id);
        var result = new List<AnnotatedPair>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var pairId = reader.GetInt64(0);
            if (result.Count == 0 || result[^1].Id != pairId)
                result.Add(new(pairId, reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), new List<JudgmentRecord>(), reader.GetInt32(5)));
            ((List<JudgmentRecord>)result[^1].Judgments).Add(new(reader.GetInt32(6), Enum.Parse<PairPosition>(reader.GetString(7)),
                reader.IsDBNull(8) ? null : Enum.Parse<PairPosition>(reader.GetString(8)), (uint)reader.GetInt64(9),
                reader.IsDBNull(10) ? null : reader.GetDouble(10), reader.GetString(11), reader.GetString(12)));
        }
        return result;
    }

    /// <summary>Writes the dataset (kept examples, pairs dropped for balance) and moves on to <paramref name="nextStage"/>, in one transaction.</summary>
    public void SaveDataset(string id, IReadOnlyList<DatasetDecision> decisions, string nextStage)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var keep = Command(connection, transaction,
            "UPDATE pairs SET state = 'kept', kept_sample = $sample, label = $label WHERE id = $id AND state = 'annotated'");
        using var drop = Command(connection, transaction,
            $"UPDATE pairs SET state = 'discarded', discard_reason = '{DiscardReason.LabelBalance}' WHERE id = $id AND state = 'annotated'");
        using var example = Command(connection, transaction,
            "INSERT INTO examples (pair_id, iteration_id, label, messages) VALUES ($id, $iteration, $label, $messages)");
        example.Parameters.AddWithValue("$iteration", id);
        foreach (var decision in decisions)
        {
            if (decision.KeptSample is not { } sample)
            {
                SetParameter(drop, "$id", decision.PairId);
                drop.ExecuteNonQuery();
                continue;
            }
            SetParameter(keep, "$id", decision.PairId);
            SetParameter(keep, "$sample", sample);
            SetParameter(keep, "$label", decision.Label!.Value.ToString());
            keep.ExecuteNonQuery();
            SetParameter(example, "$id", decision.PairId);
            SetParameter(example, "$label", decision.Label!.Value.ToString());
            SetParameter(example, "$messages", decision.MessagesJson);
            example.ExecuteNonQuery();
        }
        UpdateStage(connection, transaction, id, nextStage);
        transaction.Commit();
    }

    public async IAsyncEnumerable<DatasetExample> ReadDataset(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = Command(connection, null,
            "SELECT pair_id, label, messages FROM examples WHERE iteration_id = $iteration ORDER BY pair_id");
        command.Parameters.AddWithValue("$iteration", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new(reader.GetInt64(0), Enum.Parse<PairPosition>(reader.GetString(1)), reader.GetString(2));
    }

    public IterationView? View(string id) => Find(id) is { } record ? View(record) : null;

    public IReadOnlyList<IterationView> ListViews()
    {
        using var connection = database.Open();
        using var command = Command(connection, null, $"{SelectIteration} ORDER BY number DESC");
        return ReadIterations(command).Select(View).ToList();
    }

    private IterationView View(IterationRecord record)
    {
        using var connection = database.Open();
        using var command = Command(connection, null, """
            SELECT
                COUNT(*),
                SUM(state <> 'selected'),
                SUM(state IN ('annotated', 'kept')),
                SUM(state = 'discarded'),
                AVG(CASE WHEN judgments > 0 THEN CAST(correct AS REAL) / judgments END),
                SUM(label = 'A'),
                SUM(label = 'B'),
                (SELECT COUNT(*) FROM judgments j JOIN pairs q ON q.id = j.pair_id WHERE q.iteration_id = $iteration),
                (SELECT created_at FROM iterations WHERE id = $iteration),
                (SELECT updated_at FROM iterations WHERE id = $iteration),
                (SELECT error FROM iterations WHERE id = $iteration)
            FROM pairs WHERE iteration_id = $iteration
            """);
        command.Parameters.AddWithValue("$iteration", record.Id);
        using var reader = command.ExecuteReader();
        reader.Read();
        int Int(int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetInt32(ordinal);
        var progress = new IterationProgress(Int(0), Int(1), Int(7), Int(2), Int(3));
        int labelA = Int(5), labelB = Int(6);
        var metrics = new IterationMetrics(
            reader.IsDBNull(4) ? null : reader.GetDouble(4),
            progress.Pairs == 0 ? null : (double)progress.Kept / progress.Pairs,
            labelA + labelB == 0 ? null : (double)labelA / (labelA + labelB),
            labelA,
            labelB,
            DiscardReasons(connection, record.Id));
        return new(record.Id, record.Number, record.Status, record.Stage, progress, metrics, NullableString(reader, 10),
            DateTimeOffset.Parse(reader.GetString(8)), DateTimeOffset.Parse(reader.GetString(9)), record.Parameters)
        {
            Loop = IterationLoopStore.Read(connection, record.Id),
        };
    }

    private static SortedDictionary<string, int> DiscardReasons(SqliteConnection connection, string id)
    {
        using var command = Command(connection, null,
            "SELECT discard_reason, COUNT(*) FROM pairs WHERE iteration_id = $iteration AND state = 'discarded' GROUP BY discard_reason");
        command.Parameters.AddWithValue("$iteration", id);
        var result = new SortedDictionary<string, int>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
            result[reader.GetString(0)] = reader.GetInt32(1);
        return result;
    }

    private const string SelectIteration = "SELECT id, number, status, stage, parameters, cancel_requested FROM iterations";

    private static List<IterationRecord> ReadIterations(SqliteCommand command)
    {
        var result = new List<IterationRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            result.Add(new(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                JsonSerializer.Deserialize<IterationParameters>(reader.GetString(4), JsonSerializerOptions.Web)!, reader.GetInt64(5) != 0));
        return result;
    }

    private void Update(string id, string assignments, string value, string? error = null)
    {
        using var connection = database.Open();
        using var command = Command(connection, null, $"UPDATE iterations SET {assignments}, updated_at = $now WHERE id = $id");
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", Now());
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    private void UpdateStage(SqliteConnection connection, SqliteTransaction transaction, string id, string stage)
    {
        using var command = Command(connection, transaction, "UPDATE iterations SET stage = $stage, updated_at = $now WHERE id = $id");
        command.Parameters.AddWithValue("$stage", stage);
        command.Parameters.AddWithValue("$now", Now());
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    private string Now() => time.GetUtcNow().ToString("O");

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void SetParameter(SqliteCommand command, string name, object? value)
    {
        if (command.Parameters.Contains(name))
            command.Parameters[name].Value = value ?? DBNull.Value;
        else
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
