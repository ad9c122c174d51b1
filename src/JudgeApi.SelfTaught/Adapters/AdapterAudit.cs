using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

/// <summary>Why the serving weights changed (<c>adapter_audit.cause</c>).</summary>
public static class AdapterChangeCause
{
    /// <summary>An iteration's promotion stage put its candidate live.</summary>
    public const string Promotion = "promotion";

    /// <summary>An operator activated, deactivated (rolled back) or deleted an adapter.</summary>
    public const string Operator = "operator";

    /// <summary>The active adapter's file was missing at start-up, so the service fell back to the base model.</summary>
    public const string Startup = "startup";
}

/// <summary>What an audit entry records (<c>adapter_audit.action</c>).</summary>
public static class AdapterAuditAction
{
    public const string Activate = "activate", Deactivate = "deactivate", Delete = "delete";
}

/// <summary>Who changes the serving weights and why: the key's name (or the iteration), the cause, an optional note.</summary>
/// <param name="IterationId">The iteration that asked for the change (a promotion), if any.</param>
public sealed record AdapterChange(string Actor, string Cause, string? IterationId = null, string? Note = null)
{
    public static AdapterChange Promotion(IterationRecord iteration, string reason) =>
        new($"iteration {iteration.Number}", AdapterChangeCause.Promotion, iteration.Id, reason);
}

/// <summary>One entry of the audit log, as <c>GET /adapters/audit</c> lists it.</summary>
/// <param name="AdapterId">The adapter activated or deleted; for a deactivation, the one that stopped serving.</param>
/// <param name="PreviousAdapterId">What served before (null: the base model).</param>
/// <param name="IterationNumber">The iteration the adapter comes from (or that promoted it); null for an upload or the base model.</param>
public sealed record AdapterAuditEntry(
    long Id,
    DateTimeOffset At,
    string Action,
    string? AdapterId,
    string? PreviousAdapterId,
    string Actor,
    string Cause,
    string? IterationId,
    int? IterationNumber,
    string? Note);

/// <summary>
/// The audit log of the serving weights (table <c>adapter_audit</c>): every activation, deactivation and deletion,
/// written in the same transaction as the change itself, so the log and the active adapter never disagree. Adapter
/// ids are kept as text, so an entry outlives the adapter it names.
/// </summary>
public sealed class AdapterAudit(SelfTaughtDatabase database)
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS adapter_audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            adapter_id TEXT NULL,
            previous_adapter_id TEXT NULL,
            actor TEXT NOT NULL,
            cause TEXT NOT NULL,
            iteration_id TEXT NULL,
            note TEXT NULL);
        """;

    /// <summary>Newest first; the total for paging.</summary>
    public PagedList<AdapterAuditEntry> List(int page, int pageSize) => database.Read(db => new PagedList<AdapterAuditEntry>(
        db.Query("""
            SELECT a.id, a.at, a.action, a.adapter_id, a.previous_adapter_id, a.actor, a.cause,
                   COALESCE(a.iteration_id, ad.iteration_id), i.number, a.note
            FROM adapter_audit a
            LEFT JOIN adapters ad ON ad.id = a.adapter_id
            LEFT JOIN iterations i ON i.id = COALESCE(a.iteration_id, ad.iteration_id)
            ORDER BY a.id DESC LIMIT $limit OFFSET $offset
            """, Read, ("$limit", pageSize), ("$offset", (page - 1) * pageSize)),
        page, pageSize, Convert.ToInt32(db.Scalar("SELECT COUNT(*) FROM adapter_audit"))));

    /// <summary>Records a change in the caller's transaction (the one that makes it).</summary>
    internal static void Record(Db db, string action, string? adapterId, string? previousId, AdapterChange change, TimeProvider time) => db.Execute("""
        INSERT INTO adapter_audit (at, action, adapter_id, previous_adapter_id, actor, cause, iteration_id, note)
        VALUES ($at, $action, $adapter, $previous, $actor, $cause, $iteration, $note)
        """, ("$at", time.GetUtcNow().ToString("O")), ("$action", action), ("$adapter", adapterId), ("$previous", previousId),
        ("$actor", change.Actor), ("$cause", change.Cause), ("$iteration", change.IterationId), ("$note", change.Note));

    private static AdapterAuditEntry Read(SqliteDataReader r) => new(r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1)), r.GetString(2),
        r.GetNullableString(3), r.GetNullableString(4), r.GetString(5), r.GetString(6), r.GetNullableString(7), r.GetNullableInt32(8), r.GetNullableString(9));
}
