using System.Data.Common;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Everything that differs between the two stores the one schema runs on (SQLite, the embedded default, and
/// PostgreSQL for several replicas), so that no store's SQL branches on it: how connections and transactions begin,
/// the column types of the schema's DDL, row locking for claims, JSON lists as subqueries and tables and the database's clock.
/// Parameters (<c>@name</c>), <c>ON CONFLICT</c>, <c>RETURNING</c> and the rest are written once for both.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>"SQLite" or "PostgreSQL", for messages.</summary>
    public abstract string Name { get; }

    /// <summary>Where the state lives, for messages: the SQLite file, or PostgreSQL's host and database (no password).</summary>
    public abstract string Location { get; }

    /// <summary>True when several replicas share this store (items are claimed by any of them, one leader runs iterations).</summary>
    public abstract bool IsShared { get; }

    public abstract DbConnection Open();

    /// <summary>
    /// Called when the store could not be reached: drops idle pooled connections, which a restarted server has closed,
    /// so the next statement opens a fresh one instead of failing on each dead one in turn.
    /// </summary>
    public virtual void ForgetIdleConnections()
    {
    }

    /// <summary>A read-only transaction over one snapshot, so every query in it sees the same committed state.</summary>
    public abstract DbTransaction BeginRead(DbConnection connection);

    /// <summary>
    /// A write transaction that waits for every other writer to finish first (SQLite's <c>BEGIN IMMEDIATE</c>; on
    /// PostgreSQL a transaction-scoped advisory lock), so a store's read-then-write never interleaves with another's.
    /// </summary>
    public abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>A transaction for claiming items: on PostgreSQL it runs beside other claims (rows are taken with <see cref="SkipLocked"/>), on SQLite it is a write.</summary>
    public abstract DbTransaction BeginClaim(DbConnection connection);

    /// <summary>The schema's DDL, written with SQLite's types (INTEGER, REAL, BLOB, INTEGER PRIMARY KEY), for this store.</summary>
    public abstract string Schema(string ddl);

    /// <summary>Appended to the subquery that picks items to claim: rows another claim holds are skipped, not waited for.</summary>
    public abstract string SkipLocked { get; }

    /// <summary>A subquery of the strings in a JSON array held by <paramref name="parameter"/> (for <c>x IN (…)</c>).</summary>
    public abstract string JsonTextValues(string parameter);

    /// <summary>
    /// A table of the elements of the JSON array at <paramref name="property"/> of the JSON column <paramref name="column"/>
    /// (for <c>FROM t, … g</c>; each row's <c>g.value</c> is an element, read as text through <c>CAST(g.value AS TEXT)</c>); no rows when it is not an array.
    /// </summary>
    public abstract string JsonArrayElements(string column, string property);

    /// <summary>The database server's clock in Unix milliseconds: leases are read against one clock whichever replica writes them.</summary>
    public abstract string NowMilliseconds { get; }

    /// <summary>The names of the tables in the database.</summary>
    public abstract IReadOnlySet<string> Tables(Db db);
}
