using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The module's state store: SQLite under <c>Judge:DataDir</c> (the default, one machine) or PostgreSQL shared by
/// several replicas (<see cref="SqlDialect"/> holds what differs). Brings the schema to the latest version
/// (<see cref="Migrations"/>) and runs reads and writes each in one transaction.
/// </summary>
public sealed class SelfTaughtDatabase
{
    /// <summary>The first release's file name, kept so that its databases open where they are.</summary>
    public const string FileName = "pipeline.db";

    private readonly TimeProvider time;
    private readonly Lock migration = new();
    private volatile bool migrated;

    /// <summary>The SQLite file <c>pipeline.db</c> in <paramref name="dataDir"/>, migrated now (a database from a newer release is refused here).</summary>
    public SelfTaughtDatabase(string dataDir, TimeProvider time)
    {
        Directory.CreateDirectory(dataDir);
        Dialect = new SqliteDialect(System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDir, FileName)));
        this.time = time;
        EnsureMigrated();
    }

    /// <summary>
    /// A PostgreSQL database shared with other replicas. It is migrated now when the server answers, else at the first
    /// use that reaches it, so a replica started while PostgreSQL is down starts (and is not ready) rather than failing.
    /// </summary>
    public static SelfTaughtDatabase Postgres(string connectionString, TimeProvider time, Action<Exception>? unreachable = null)
    {
        var database = new SelfTaughtDatabase(new PostgresDialect(connectionString), time);
        try
        {
            database.EnsureMigrated();
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            unreachable?.Invoke(e);
        }
        return database;
    }

    private SelfTaughtDatabase(SqlDialect dialect, TimeProvider time)
    {
        Dialect = dialect;
        this.time = time;
    }

    internal SqlDialect Dialect { get; }

    /// <summary>Where the state lives: the SQLite file, or PostgreSQL's host and database.</summary>
    public string Path => Dialect.Location;

    /// <summary>True on PostgreSQL: several replicas share the store (one leader, items claimed by any).</summary>
    public bool IsShared => Dialect.IsShared;

    /// <summary>
    /// True when <paramref name="error"/> says the store cannot be reached right now (PostgreSQL down, restarting or
    /// unreachable: SQLSTATE classes 08 and 57P, connection and timeout failures): the work waits and is retried, and
    /// requests get 503, never a failed iteration. SQLite, a local file, is never unreachable.
    /// </summary>
    public static bool IsUnavailable(Exception error) => error switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException => true,
        InvalidOperationException or AggregateException when error.InnerException is { } inner => IsUnavailable(inner),
        _ => false,
    };

    /// <summary>Throws unless a statement reaches the store (readiness).</summary>
    public void Ping() => Read(db => db.Scalar("SELECT 1"));

    /// <summary>The schema version the file is at, read through a fresh connection (the readiness check: the file opens and answers).</summary>
    public int SchemaVersion() => Read(db => db.Scalar("SELECT MAX(version) FROM schema_version") is long version ? (int)version : 0);

    /// <summary>A connection outside any transaction, for a reader that streams (the dataset download).</summary>
    internal DbConnection Open()
    {
        EnsureMigrated();
        return Dialect.Open();
    }

    /// <summary>
    /// Reads in one transaction, so that every query sees the same committed state (an iteration's stage and its counts agree).
    /// A read that meets SQLite's WAL lock race (SQLITE_PROTOCOL, seen when a writer process is killed mid-write and the
    /// next connection recovers the WAL index) is read again after a short, growing pause, up to eight times (about a
    /// second in all; three immediate tries were not enough once in CI): a read changes nothing, and the race is transient.
    /// </summary>
    internal T Read<T>(Func<Db, T> read) => Reaching(() =>
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = Open();
                using var transaction = Dialect.BeginRead(connection);
                return read(new Db(connection, transaction, Dialect));
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_PROTOCOL && attempt < 8)
            {
                Thread.Sleep(attempt * 30);
            }
        }
    });

    /// <summary>Writes in one transaction, which waits for other writers at its start, so it never fails halfway on another writer.</summary>
    internal T Write<T>(Func<Db, T> write) => Reaching(() =>
    {
        using var connection = Open();
        return Commit(connection, Dialect.BeginWrite(connection), write);
    });

    /// <inheritdoc cref="Write{T}"/>
    internal void Write(Action<Db> write) => Write(db =>
    {
        write(db);
        return true;
    });

    /// <summary>Claims items in one transaction that runs beside other replicas' claims (<see cref="SqlDialect.SkipLocked"/>).</summary>
    internal T Claim<T>(Func<Db, T> claim) => Reaching(() =>
    {
        using var connection = Open();
        return Commit(connection, Dialect.BeginClaim(connection), claim);
    });

    /// <summary>Runs one transaction; when the store cannot be reached, its idle connections are dropped before the error goes on.</summary>
    private T Reaching<T>(Func<T> transaction)
    {
        try
        {
            return transaction();
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            Dialect.ForgetIdleConnections();
            throw;
        }
    }

    private T Commit<T>(DbConnection connection, DbTransaction transaction, Func<Db, T> work)
    {
        using (transaction)
        {
            var result = work(new Db(connection, transaction, Dialect));
            transaction.Commit();
            return result;
        }
    }

    private void EnsureMigrated()
    {
        if (migrated)
            return;
        lock (migration)
        {
            if (migrated)
                return;
            using var connection = Dialect.Open();
            Commit(connection, Dialect.BeginWrite(connection), db =>
            {
                Migrations.Apply(db, Path, time);
                return true;
            });
            migrated = true;
        }
    }
}
