using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The embedded store: one file under <c>Judge:DataDir</c>, WAL with synchronous=FULL, so a committed item survives
/// <c>kill -9</c> and a crash never leaves half a row. One process uses it, so it is never shared.
/// </summary>
internal sealed class SqliteDialect(string path) : SqlDialect
{
    private readonly string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();

    public override string Name => "SQLite";

    public override string Location => path;

    public override bool IsShared => false;

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public override DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override DbTransaction BeginClaim(DbConnection connection) => BeginWrite(connection);

    public override string Schema(string ddl) => ddl;

    public override string SkipLocked => "";

    public override string JsonTextValues(string parameter) => $"(SELECT value FROM json_each({parameter}))";

    public override string JsonArrayElements(string column, string property) =>
        $"json_each(CASE WHEN json_type({column}, '$.{property}') = 'array' THEN json_extract({column}, '$.{property}') END)";

    public override string NowMilliseconds => "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";

    public override IReadOnlySet<string> Tables(Db db) =>
        db.Query("SELECT name FROM sqlite_master WHERE type = @table", r => r.GetString(0), ("@table", "table")).ToHashSet(StringComparer.Ordinal);
}
