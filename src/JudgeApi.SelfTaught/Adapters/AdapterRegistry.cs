using System.Text.Json;
using JudgeApi.Judging;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using JudgeApi.Llama.IO;

namespace JudgeApi.SelfTaught;

/// <summary>One stored adapter as <c>GET /adapters</c> lists it.</summary>
/// <param name="Source">"iteration" (trained by the loop) or "upload".</param>
/// <param name="Metrics">Evaluation results of a trained adapter (held-out and labeled-set accuracy, training loss).</param>
public sealed record AdapterView(
    string Id,
    string? IterationId,
    int? IterationNumber,
    string Source,
    DateTimeOffset CreatedAt,
    string BaseModelSha256,
    int Rank,
    float Alpha,
    JsonElement? Metrics,
    bool Active);

/// <summary>What is recorded when a file enters the registry.</summary>
public sealed record AdapterRegistration(string Id, string? IterationId, string Source, string BaseModelSha256, int Rank, float Alpha);

/// <summary>
/// The adapters under <c>{DataDir}/adapters</c> (one immutable <c>&lt;id&gt;.gguf</c> each) with their rows in the
/// pipeline database, and which one the judge serves. A file becomes visible by rename only after it was completely
/// written and checked, and its row is committed right after; files without a row (a crash in between) and temp
/// files are deleted at start-up.
/// </summary>
public sealed class AdapterRegistry(PipelineDatabase database, IJudgeEngine engine, IOptions<JudgeOptions> options,
    TimeProvider time, ILogger<AdapterRegistry> logger) : IStartupAdapter
{
    public const string TempSuffix = ".tmp";
    private readonly Lock activation = new();

    public string Directory { get; } = System.IO.Path.Combine(options.Value.DataDir, "adapters");

    public string PathOf(string id) => System.IO.Path.Combine(Directory, id + ".gguf");

    /// <summary>A fresh temp path in the registry folder (same file system, so the final rename is atomic).</summary>
    public string NewTempPath(string id)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return System.IO.Path.Combine(Directory, $"{id}.{Guid.NewGuid():N}{TempSuffix}");
    }

    /// <summary>
    /// Deletes what a crash can leave behind: temp files and adapter files whose row was never committed; all of them
    /// (at start-up, before anything writes), or only those of one adapter id (while uploads may be in flight).
    /// </summary>
    public void RemoveStrayFiles(string? onlyId = null)
    {
        if (!System.IO.Directory.Exists(Directory))
            return;
        var known = List().Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = System.IO.Path.GetFileName(file);
            if (onlyId is not null && !name.StartsWith(onlyId + ".", StringComparison.Ordinal))
                continue;
            var id = name.EndsWith(".gguf", StringComparison.Ordinal) ? name[..^5] : name.EndsWith(".gguf.json", StringComparison.Ordinal) ? name[..^10] : null;
            if (name.EndsWith(TempSuffix, StringComparison.Ordinal) || (id is not null && !known.Contains(id)))
            {
                logger.LogWarning("Removing {File}: left over from an interrupted write.", file);
                File.Delete(file);
            }
        }
    }

    /// <summary>The active adapter's file for start-up, or null (base model). A missing file deactivates it.</summary>
    public string? AdapterPathAtStartup()
    {
        RemoveStrayFiles();
        if (ActiveId() is not { } id)
            return null;
        var path = PathOf(id);
        if (File.Exists(path))
            return path;
        logger.LogError("The active adapter {Id} has no file {Path}; serving the base model.", id, path);
        SetActive(null);
        return null;
    }

    public IReadOnlyList<AdapterView> List()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"{Select} ORDER BY a.created_at, a.id";
        return Read(command);
    }

    public AdapterView? Find(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"{Select} WHERE a.id = $id";
        command.Parameters.AddWithValue("$id", id);
        return Read(command).SingleOrDefault();
    }

    public string? ActiveId()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT adapter_id FROM active_adapter WHERE singleton = 1";
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// Moves a complete, checked temp file to <c>&lt;id&gt;.gguf</c> and commits its row, with
    /// <paramref name="alsoInTransaction"/> (a stage change) in the same transaction.
    /// </summary>
    public void Register(string tempPath, AdapterRegistration registration, Action<SqliteConnection, SqliteTransaction>? alsoInTransaction = null)
    {
        AtomicFile.Publish(tempPath, PathOf(registration.Id), overwrite: false);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO adapters (id, iteration_id, source, base_model_sha256, rank, alpha, created_at)
            VALUES ($id, $iteration, $source, $base, $rank, $alpha, $now)
            """;
        insert.Parameters.AddWithValue("$id", registration.Id);
        insert.Parameters.AddWithValue("$iteration", (object?)registration.IterationId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$source", registration.Source);
        insert.Parameters.AddWithValue("$base", registration.BaseModelSha256);
        insert.Parameters.AddWithValue("$rank", registration.Rank);
        insert.Parameters.AddWithValue("$alpha", registration.Alpha);
        insert.Parameters.AddWithValue("$now", time.GetUtcNow().ToString("O"));
        insert.ExecuteNonQuery();
        alsoInTransaction?.Invoke(connection, transaction);
        transaction.Commit();
    }

    public void SetMetrics(string id, object metrics)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE adapters SET metrics = $metrics WHERE id = $id";
        command.Parameters.AddWithValue("$metrics", JsonSerializer.Serialize(metrics, JsonSerializerOptions.Web));
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    /// <summary>Serves the adapter from the next decode batch on (running work finishes on its weights) and remembers it across restarts.</summary>
    public void Activate(string id)
    {
        lock (activation)
        {
            engine.ActivateAdapter(PathOf(id));
            SetActive(id);
        }
        logger.LogInformation("Adapter {Id} is active.", id);
    }

    /// <summary>Back to the base model alone.</summary>
    public void Deactivate()
    {
        lock (activation)
        {
            engine.ActivateAdapter(null);
            SetActive(null);
        }
        logger.LogInformation("No adapter is active; serving the base model.");
    }

    private void SetActive(string? id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO active_adapter (singleton, adapter_id) VALUES (1, $id)
            ON CONFLICT (singleton) DO UPDATE SET adapter_id = excluded.adapter_id
            """;
        command.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private const string Select = """
        SELECT a.id, a.iteration_id, i.number, a.source, a.created_at, a.base_model_sha256, a.rank, a.alpha, a.metrics,
               a.id = (SELECT adapter_id FROM active_adapter WHERE singleton = 1)
        FROM adapters a LEFT JOIN iterations i ON i.id = a.iteration_id
        """;

    private static List<AdapterView> Read(SqliteCommand command)
    {
        var result = new List<AdapterView>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            result.Add(new AdapterView(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4)),
                reader.GetString(5),
                reader.GetInt32(6),
                reader.GetFloat(7),
                reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<JsonElement>(reader.GetString(8)),
                !reader.IsDBNull(9) && reader.GetBoolean(9)));
        return result;
    }
}
