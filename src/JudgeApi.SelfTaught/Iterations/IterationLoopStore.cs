using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

/// <summary>The loop stages' rows (<c>iteration_loop</c>) and the training examples they read.</summary>
public sealed class IterationLoopStore(PipelineDatabase database)
{
    public IterationLoopResults? Read(string iterationId)
    {
        using var connection = database.Open();
        return Read(connection, iterationId);
    }

    /// <summary>Reads on a caller's connection (the iteration view builds its answer on one).</summary>
    public static IterationLoopResults? Read(SqliteConnection connection, string iterationId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT training, evaluation, promotion FROM iteration_loop WHERE iteration_id = $id";
        command.Parameters.AddWithValue("$id", iterationId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return null;
        return new(Column<TrainingReport>(reader, 0), Column<EvaluationReport>(reader, 1), Column<PromotionDecision>(reader, 2));
    }

    public void SaveTraining(string iterationId, TrainingReport report) => Save(iterationId, "training", report);

    public void SaveEvaluation(string iterationId, EvaluationReport report) => Save(iterationId, "evaluation", report);

    /// <summary>Forgets a training run that never finished (a crash or cancel during training).</summary>
    public void ClearTraining(string iterationId) => Save<TrainingReport>(iterationId, "training", null);

    /// <summary>Stores the decision and ends the iteration's stages (stage done) in one transaction.</summary>
    public void SavePromotion(string iterationId, PromotionDecision decision)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        Upsert(connection, transaction, iterationId, "promotion", JsonSerializer.Serialize(decision, JsonSerializerOptions.Web));
        SetStage(connection, transaction, iterationId, IterationStage.Done);
        transaction.Commit();
    }

    /// <summary>Records the finished training (report with its adapter) and moves the stage to evaluate, inside the registry's transaction.</summary>
    public static void CompleteTraining(SqliteConnection connection, SqliteTransaction transaction, string iterationId, TrainingReport report)
    {
        Upsert(connection, transaction, iterationId, "training", JsonSerializer.Serialize(report, JsonSerializerOptions.Web));
        SetStage(connection, transaction, iterationId, IterationStage.Evaluate);
    }

    /// <summary>Kept examples (chat messages JSON) of this iteration, or of it and every earlier succeeded one.</summary>
    public IReadOnlyList<string> TrainingExamples(string iterationId, string data)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = data == TrainingData.Cumulative
            ? """
              SELECT e.messages FROM examples e JOIN iterations i ON i.id = e.iteration_id
              WHERE e.iteration_id = $id OR i.status = 'succeeded' ORDER BY i.number, e.pair_id
              """
            : "SELECT messages FROM examples WHERE iteration_id = $id ORDER BY pair_id";
        command.Parameters.AddWithValue("$id", iterationId);
        var result = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            result.Add(reader.GetString(0));
        return result;
    }

    private void Save<T>(string iterationId, string column, T? value) where T : class
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        Upsert(connection, transaction, iterationId, column, value is null ? null : JsonSerializer.Serialize(value, JsonSerializerOptions.Web));
        transaction.Commit();
    }

    private static void Upsert(SqliteConnection connection, SqliteTransaction transaction, string iterationId, string column, string? json)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO iteration_loop (iteration_id, {column}) VALUES ($id, $value)
            ON CONFLICT (iteration_id) DO UPDATE SET {column} = excluded.{column}
            """;
        command.Parameters.AddWithValue("$id", iterationId);
        command.Parameters.AddWithValue("$value", (object?)json ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static void SetStage(SqliteConnection connection, SqliteTransaction transaction, string iterationId, string stage)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE iterations SET stage = $stage, updated_at = $now WHERE id = $id";
        command.Parameters.AddWithValue("$stage", stage);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
        command.Parameters.AddWithValue("$id", iterationId);
        command.ExecuteNonQuery();
    }

    private static T? Column<T>(SqliteDataReader reader, int ordinal) where T : class =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<T>(reader.GetString(ordinal), JsonSerializerOptions.Web);
}
