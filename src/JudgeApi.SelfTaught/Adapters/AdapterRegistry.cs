using System.Data.Common;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.Llama.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>One stored adapter as <c>GET /adapters</c> lists it.</summary>
/// <param name="Source">"iteration" (trained by an iteration) or "upload".</param>
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

public enum AdapterDeleteOutcome { Deleted, NotFound, Active }

/// <summary>What is recorded when a file enters the registry.</summary>
public sealed record AdapterRegistration(string Id, string? IterationId, string Source, string BaseModelSha256, int Rank, float Alpha);

/// <summary>
/// The adapters with their rows (tables <c>adapters</c>, <c>active_adapter</c>) and their bytes in the database
/// (<see cref="AdapterFiles"/>), and which one the judge serves. Each replica keeps the files it uses under
/// <c>{DataDir}/adapters</c> (one immutable <c>&lt;id&gt;.gguf</c> each), fetched from the database and checked
/// against the stored hash (<see cref="Fetch"/>). A file becomes visible by rename only after it was completely
/// written and checked, and its row and bytes are committed right after; files without a row (a crash in between)
/// and temp files are deleted at start-up. Every change of the active adapter is told to the other replicas, which
/// swap to it between decode batches (<see cref="SyncActive"/>).
/// </summary>
public sealed class AdapterRegistry(SelfTaughtDatabase database, AdapterFiles files, IJudgeEngine engine, IReplicaBroadcast broadcast,
    IOptions<JudgeOptions> options, TimeProvider time, ILogger<AdapterRegistry> logger) : IStartupAdapter
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS adapters (
            id TEXT PRIMARY KEY,
            iteration_id TEXT NULL REFERENCES iterations(id),
            source TEXT NOT NULL,
            base_model_sha256 TEXT NOT NULL,
            rank INTEGER NOT NULL,
            alpha REAL NOT NULL,
            metrics TEXT NULL,
            created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS active_adapter (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            adapter_id TEXT NULL REFERENCES adapters(id));
        """;

    public const string TempSuffix = ".tmp";
    private readonly Lock activation = new();
    private string? serving;

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

    /// <summary>
    /// The active adapter's file for start-up (fetched from the database when this replica has no good copy), or null
    /// (base model). An adapter whose file is neither here nor in the database is deactivated.
    /// </summary>
    public string? AdapterPathAtStartup()
    {
        try
        {
            RemoveStrayFiles();
            StoreLegacyFiles();
            var id = ActiveId();
            var path = id is null ? null : Fetch(id);
            if (id is not null && path is null)
            {
                logger.LogError("The active adapter {Id} has no file, here or in the database; serving the base model.", id);
                SetActive(null, AdapterAuditAction.Deactivate, new AdapterChange("service", AdapterChangeCause.Startup, Note: $"The file {PathOf(id)} is missing."));
            }
            Volatile.Write(ref serving, path is null ? null : id);
            return path;
        }
        catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
        {
            // PostgreSQL is not up yet: start on the base model; the sync after the database answers swaps to the active adapter.
            logger.LogWarning("The active adapter cannot be read ({Error}); starting on the base model until {Location} answers.", e.Message, database.Path);
            return null;
        }
    }

    /// <summary>
    /// The adapter's file on this replica, fetched from the database (and checked against its hash) when it is missing
    /// or differs; null when neither has it.
    /// </summary>
    public string? Fetch(string id)
    {
        var path = PathOf(id);
        return files.Materialize(id, path) || File.Exists(path) ? path : null;
    }

    /// <summary>The adapter this replica serves (null: the base model).</summary>
    public string? ServingId => Volatile.Read(ref serving);

    /// <summary>
    /// Serves what the database says is active, if this replica serves something else: after another replica's
    /// activation, deactivation or rollback, and after this one was cut off from the others. Swaps between decode batches.
    /// </summary>
    public void SyncActive()
    {
        lock (activation)
        {
            var id = ActiveId();
            if (id == ServingId)
                return;
            var path = id is null ? null : Fetch(id) ?? throw new FileNotFoundException($"Adapter {id} is active but its file is not in the database.");
            engine.ActivateAdapter(path);
            Volatile.Write(ref serving, id);
        }
        logger.LogInformation("Serving {Adapter}, as activated on another replica.", ActiveId() ?? "the base model");
    }

    /// <summary>Tells the other replicas that an adapter was stored, so they fetch its file before anyone activates it.</summary>
    public void Announce(string id) => broadcast.Publish(ReplicaTopic.AdapterStored, id);

    /// <summary>Drops this replica's copy of a deleted adapter.</summary>
    public void Forget(string id)
    {
        if (id != ServingId)
            File.Delete(PathOf(id));
    }

    /// <summary>Puts the files of adapters registered before migration 4 into the database, from this replica's folder.</summary>
    private void StoreLegacyFiles()
    {
        foreach (var id in files.WithoutStoredFile())
            if (File.Exists(PathOf(id)))
            {
                files.Backfill(id, PathOf(id));
                logger.LogInformation("Adapter {Id}: its file is now kept in the database too.", id);
            }
    }

    public IReadOnlyList<AdapterView> List() => database.Read(db => db.Query($"{Select} ORDER BY a.created_at, a.id", Read));

    public AdapterView? Find(string id) => database.Read(db => db.Query($"{Select} WHERE a.id = @id", Read, ("@id", id)).SingleOrDefault());

    /// <summary>
    /// The stored adapter whose file has this SHA-256, if any: read from the hashes stored with the files in the
    /// database, so an upload to any replica finds what another stored.
    /// </summary>
    public string? IdWithContent(string sha256) => database.Read(db => AdapterFiles.IdWithSha256(db, sha256));

    public string? ActiveId() => database.Read(db => db.Scalar("SELECT adapter_id FROM active_adapter WHERE singleton = 1") as string);

    /// <summary>Moves a complete, checked temp file to <c>&lt;id&gt;.gguf</c> and commits its row and its bytes; the other replicas are told.</summary>
    public void Register(string tempPath, AdapterRegistration registration)
    {
        database.Write(db => Register(db, tempPath, registration));
        Announce(registration.Id);
    }

    /// <summary>
    /// The same for an upload, refused with <see cref="AdapterDuplicateException"/> when the same bytes are stored:
    /// checked inside the write transaction, which writers on every replica take in turn, so two replicas storing the
    /// same bytes at once cannot both succeed. <paramref name="sha256"/> is the temp file's hash, computed once by the caller.
    /// </summary>
    public void RegisterUpload(string tempPath, string sha256, AdapterRegistration registration)
    {
        database.Write(db =>
        {
            if (AdapterFiles.IdWithSha256(db, sha256) is { } existing)
                throw new AdapterDuplicateException(existing);
            Register(db, tempPath, registration, sha256);
        });
        Announce(registration.Id);
    }

    /// <summary>
    /// The same in the caller's transaction (the training stage's commit). The file goes live first: if the
    /// transaction then fails, it has no row and the next start or training of that id deletes it.
    /// <paramref name="sha256"/>: the file's hash when the caller has it; null: hashed here.
    /// </summary>
    internal void Register(Db db, string tempPath, AdapterRegistration registration, string? sha256 = null)
    {
        AtomicFile.Publish(tempPath, PathOf(registration.Id), overwrite: false);
        db.Execute("""
            INSERT INTO adapters (id, iteration_id, source, base_model_sha256, rank, alpha, created_at)
            VALUES (@id, @iteration, @source, @base, @rank, @alpha, @now)
            """,
            ("@id", registration.Id), ("@iteration", registration.IterationId), ("@source", registration.Source), ("@base", registration.BaseModelSha256),
            ("@rank", registration.Rank), ("@alpha", registration.Alpha), ("@now", time.GetUtcNow().ToString("O")));
        AdapterFiles.Save(db, registration.Id, PathOf(registration.Id), sha256);
    }

    /// <summary>Replaces an adapter's metrics (serialised with the web defaults), in the caller's transaction.</summary>
    internal static void SetMetrics(Db db, string id, object metrics) =>
        db.Execute("UPDATE adapters SET metrics = @metrics WHERE id = @id", ("@metrics", Db.Json(metrics)), ("@id", id));

    /// <summary>
    /// Serves the adapter from the next decode batch on (running work finishes on its weights) and remembers it across
    /// restarts; the change and who asked for it go into the audit log in the same transaction.
    /// </summary>
    public void Activate(string id, AdapterChange change)
    {
        lock (activation)
        {
            engine.ActivateAdapter(Fetch(id) ?? throw new FileNotFoundException($"Adapter {id} has no file, here or in the database."));
            SetActive(id, AdapterAuditAction.Activate, change);
            Volatile.Write(ref serving, id);
        }
        broadcast.Publish(ReplicaTopic.ActiveAdapter);
        logger.LogInformation("Adapter {Id} is active ({Cause}, by {Actor}).", id, change.Cause, change.Actor);
    }

    /// <summary>Back to the base model alone (a rollback), recorded in the audit log.</summary>
    public void Deactivate(AdapterChange change)
    {
        lock (activation)
        {
            engine.ActivateAdapter(null);
            SetActive(null, AdapterAuditAction.Deactivate, change);
            Volatile.Write(ref serving, null);
        }
        broadcast.Publish(ReplicaTopic.ActiveAdapter);
        logger.LogInformation("No adapter is active; serving the base model ({Cause}, by {Actor}).", change.Cause, change.Actor);
    }

    /// <summary>
    /// Deletes a stored adapter that is not serving: its row (with the audit entry) first, then its files, so a crash
    /// in between leaves only files without a row, which the next start removes.
    /// </summary>
    public AdapterDeleteOutcome Delete(string id, AdapterChange change)
    {
        lock (activation)
        {
            var outcome = database.Write(db =>
            {
                if (db.Scalar("SELECT id FROM adapters WHERE id = @id", ("@id", id)) is null)
                    return AdapterDeleteOutcome.NotFound;
                if (db.Scalar("SELECT adapter_id FROM active_adapter WHERE singleton = 1") as string == id)
                    return AdapterDeleteOutcome.Active;
                AdapterFiles.Delete(db, id);
                db.Execute("DELETE FROM adapters WHERE id = @id", ("@id", id));
                AdapterAudit.Record(db, AdapterAuditAction.Delete, id, null, change, time);
                return AdapterDeleteOutcome.Deleted;
            });
            if (outcome == AdapterDeleteOutcome.Deleted)
            {
                File.Delete(PathOf(id));
                File.Delete(Training.AdapterManifest.PathFor(PathOf(id)));
                broadcast.Publish(ReplicaTopic.AdapterDeleted, id);
                logger.LogInformation("Adapter {Id} deleted by {Actor}.", id, change.Actor);
            }
            return outcome;
        }
    }

    private void SetActive(string? id, string action, AdapterChange change) => database.Write(db =>
    {
        var previous = db.Scalar("SELECT adapter_id FROM active_adapter WHERE singleton = 1") as string;
        db.Execute("""
            INSERT INTO active_adapter (singleton, adapter_id) VALUES (1, @id)
            ON CONFLICT (singleton) DO UPDATE SET adapter_id = excluded.adapter_id
            """, ("@id", id));
        AdapterAudit.Record(db, action, id ?? previous, previous, change, time);
    });

    private const string Select = """
        SELECT a.id, a.iteration_id, i.number, a.source, a.created_at, a.base_model_sha256, a.rank, a.alpha, a.metrics,
               a.id = (SELECT adapter_id FROM active_adapter WHERE singleton = 1)
        FROM adapters a LEFT JOIN iterations i ON i.id = a.iteration_id
        """;

    private static AdapterView Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetNullableString(1),
        reader.GetNullableInt32(2),
        reader.GetString(3),
        DateTimeOffset.Parse(reader.GetString(4)),
        reader.GetString(5),
        reader.GetInt32(6),
        reader.GetFloat(7),
        reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<JsonElement>(reader.GetString(8)),
        !reader.IsDBNull(9) && reader.GetBoolean(9));
}
