using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The module's SQLite file: opens connections, brings the schema to the latest version (<see cref="Migrations"/>)
/// when constructed, and runs reads and writes each in one transaction. WAL with synchronous=FULL, so a committed item
/// survives <c>kill -9</c> and a crash never leaves half a row.
/// </summary>
public sealed class SelfTaughtDatabase
{
    /// <summary>The first release's file name, kept so that its databases open where they are.</summary>
    public const string FileName = "pipeline.db";

    private readonly string connectionString;

    public SelfTaughtDatabase(string dataDir, TimeProvider time)
    {
        Directory.CreateDirectory(dataDir);
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDir, FileName));
        connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true }.ToString();
        Write(db => Migrations.Apply(db, Path, time));
    }

    public string Path { get; }

    /// <summary>The schema version the file is at, read through a fresh connection (the readiness check: the file opens and answers).</summary>
    public int SchemaVersion() => Read(db => db.Scalar("SELECT MAX(version) FROM schema_version") is long version ? (int)version : 0);

    /// <summary>A connection outside any transaction, for a reader that streams (the dataset download).</summary>
    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        new Db(connection, null).Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        return connection;
    }

    /// <summary>Reads in one transaction, so that every query sees the same committed state (an iteration's stage and its counts agree).</summary>
    internal T Read<T>(Func<Db, T> read)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        return read(new Db(connection, transaction));
    }

    /// <summary>Writes in one transaction, which takes the write lock at its start (BEGIN IMMEDIATE), so it never fails halfway on another writer.</summary>
    internal T Write<T>(Func<Db, T> write)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = write(new Db(connection, transaction));
        transaction.Commit();
        return result;
    }

    /// <inheritdoc cref="Write{T}"/>
    internal void Write(Action<Db> write) => Write(db =>
    {
        write(db);
        return true;
    });
}
