using System.Data.Common;

namespace JudgeApi.SelfTaught;

public sealed record IterationRecord(
    string Id,
    int Number,
    string Status,
    string Stage,
    IterationParameters Parameters,
    bool CancelRequested,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public enum CancelOutcome { NotFound, AlreadyFinished, Canceled, Requested }

/// <summary>The iterations (table <c>iterations</c>): the queue, each one's status, stage, error and cancel request.</summary>
public sealed class IterationStore(SelfTaughtDatabase database, TimeProvider time)
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS iterations (
            id TEXT PRIMARY KEY,
            number INTEGER NOT NULL UNIQUE,
            status TEXT NOT NULL,
            stage TEXT NOT NULL,
            parameters TEXT NOT NULL,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            error TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        """;

    private const string Select = "SELECT id, number, status, stage, parameters, cancel_requested, error, created_at, updated_at FROM iterations";

    public IterationRecord Create(IterationParameters parameters) => database.Write(db =>
    {
        var id = Guid.NewGuid().ToString("N");
        db.Execute("""
            INSERT INTO iterations (id, number, status, stage, parameters, created_at, updated_at)
            VALUES (@id, (SELECT COALESCE(MAX(number), 0) + 1 FROM iterations), @status, @stage, @parameters, @now, @now)
            """, ("@id", id), ("@status", IterationStatus.Queued), ("@stage", IterationStage.Pending), ("@parameters", Db.Json(parameters)), ("@now", Now()));
        return Find(db, id)!;
    });

    public IterationRecord? Find(string id) => database.Read(db => Find(db, id));

    internal static IterationRecord? Find(Db db, string id) => db.Query($"{Select} WHERE id = @id", Read, ("@id", id)).SingleOrDefault();

    /// <summary>Every iteration, newest first.</summary>
    internal static List<IterationRecord> All(Db db) => db.Query($"{Select} ORDER BY number DESC", Read);

    /// <summary>The iteration to work on: one left running by a crash first, else the oldest queued.</summary>
    public IterationRecord? NextRunnable() => database.Read(db => db.Query($"""
        {Select} WHERE status IN (@running, @queued)
        ORDER BY CASE status WHEN @running THEN 0 ELSE 1 END, number LIMIT 1
        """, Read, ("@running", IterationStatus.Running), ("@queued", IterationStatus.Queued)).SingleOrDefault());

    public void SetStatus(string id, string status, string? error = null) => database.Write(db =>
        db.Execute("UPDATE iterations SET status = @status, error = @error, updated_at = @now WHERE id = @id",
            ("@status", status), ("@error", error), ("@now", Now()), ("@id", id)));

    /// <summary>Moves a queued iteration to running; false when it was canceled (or finished) in the meantime.</summary>
    public bool MarkRunning(string id) => database.Write(db => db.Execute("""
        UPDATE iterations SET status = @running, updated_at = @now
        WHERE id = @id AND status IN (@queued, @running)
        """, ("@running", IterationStatus.Running), ("@queued", IterationStatus.Queued), ("@now", Now()), ("@id", id)) == 1);

    public void SetStage(string id, string stage) => database.Write(db => SetStage(db, id, stage));

    internal void SetStage(Db db, string id, string stage) =>
        db.Execute("UPDATE iterations SET stage = @stage, updated_at = @now WHERE id = @id", ("@stage", stage), ("@now", Now()), ("@id", id));

    /// <summary>Moves a running iteration from <paramref name="from"/> to <paramref name="to"/> in the caller's transaction (a stage's commit); false when it is elsewhere.</summary>
    internal bool MoveStage(Db db, string id, string from, string to) => db.Execute(
        "UPDATE iterations SET stage = @to, updated_at = @now WHERE id = @id AND stage = @from AND status = @running",
        ("@to", to), ("@now", Now()), ("@id", id), ("@from", from), ("@running", IterationStatus.Running)) == 1;

    /// <summary>The running iteration whose items replicas work on now (one runs at a time), unless it is being canceled.</summary>
    public IterationRecord? Running() => database.Read(db => db.Query($"{Select} WHERE status = @running AND cancel_requested = 0 ORDER BY number LIMIT 1",
        Read, ("@running", IterationStatus.Running)).SingleOrDefault());

    /// <summary>Fails a running iteration from a replica whose item failed; the leader stops at its next look.</summary>
    public bool Fail(string id, string error) => database.Write(db => db.Execute(
        "UPDATE iterations SET status = @failed, error = @error, updated_at = @now WHERE id = @id AND status = @running",
        ("@failed", IterationStatus.Failed), ("@error", error), ("@now", Now()), ("@id", id), ("@running", IterationStatus.Running)) == 1);

    public CancelOutcome RequestCancel(string id) => database.Write(db =>
    {
        if (db.Scalar("SELECT status FROM iterations WHERE id = @id", ("@id", id)) is not string status)
            return CancelOutcome.NotFound;
        if (IterationStatus.IsFinished(status))
            return CancelOutcome.AlreadyFinished;
        // A queued iteration has nothing to stop, so it is canceled at once; a running one stops at its next item boundary.
        var queued = status == IterationStatus.Queued;
        db.Execute("UPDATE iterations SET status = @status, cancel_requested = 1, updated_at = @now WHERE id = @id",
            ("@status", queued ? IterationStatus.Canceled : status), ("@now", Now()), ("@id", id));
        return queued ? CancelOutcome.Canceled : CancelOutcome.Requested;
    });

    public bool IsCancelRequested(string id) => Find(id)?.CancelRequested ?? false;

    private static IterationRecord Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt32(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetJson<IterationParameters>(4)!,
        reader.GetInt64(5) != 0,
        reader.GetNullableString(6),
        DateTimeOffset.Parse(reader.GetString(7)),
        DateTimeOffset.Parse(reader.GetString(8)));

    private string Now() => time.GetUtcNow().ToString("O");
}
