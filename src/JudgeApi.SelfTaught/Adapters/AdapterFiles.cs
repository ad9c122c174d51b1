using JudgeApi.Llama.IO;

namespace JudgeApi.SelfTaught;

/// <summary>An adapter file as the database holds it.</summary>
public sealed record StoredAdapterFile(string Sha256, long Size);

/// <summary>
/// Adapter files kept in the database (tables <c>adapter_files</c>, <c>adapter_file_chunks</c>: the bytes in 1 MiB
/// chunks with their SHA-256), so a replica needs nothing but the connection string. Each replica keeps the files it
/// serves in its registry folder as a cache, checked against the stored hash before use and fetched again from the
/// database when missing or different.
/// </summary>
public sealed class AdapterFiles(SelfTaughtDatabase database)
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS adapter_files (
            adapter_id TEXT PRIMARY KEY REFERENCES adapters(id),
            sha256 TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            chunks INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS adapter_file_chunks (
            adapter_id TEXT NOT NULL REFERENCES adapter_files(adapter_id),
            ordinal INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (adapter_id, ordinal));
        """;

    /// <summary>Migration 7: uploads look stored files up by hash (<see cref="IdWithSha256"/>).</summary>
    internal const string Sha256Index = "CREATE INDEX IF NOT EXISTS adapter_files_sha256 ON adapter_files(sha256);";

    private const int ChunkBytes = 1 << 20;

    /// <summary>The stored file's hash and size; null for an adapter registered before files went into the database.</summary>
    public StoredAdapterFile? Stored(string adapterId) => database.Read(db => db.Query(
        "SELECT sha256, size_bytes FROM adapter_files WHERE adapter_id = @id", r => new StoredAdapterFile(r.GetString(0), r.GetInt64(1)), ("@id", adapterId))
        .SingleOrDefault());

    /// <summary>The first adapter (by id) whose stored file has this SHA-256, in the caller's transaction.</summary>
    internal static string? IdWithSha256(Db db, string sha256) =>
        db.Scalar("SELECT adapter_id FROM adapter_files WHERE sha256 = @sha ORDER BY adapter_id LIMIT 1", ("@sha", sha256)) as string;

    /// <summary>Stores a complete, checked file in the caller's transaction (the one that registers its adapter); <paramref name="sha256"/> null: hashed here.</summary>
    internal static void Save(Db db, string adapterId, string path, string? sha256 = null)
    {
        var size = new FileInfo(path).Length;
        var chunks = (int)((size + ChunkBytes - 1) / ChunkBytes);
        db.Execute("INSERT INTO adapter_files (adapter_id, sha256, size_bytes, chunks) VALUES (@id, @sha, @size, @chunks)",
            ("@id", adapterId), ("@sha", sha256 ?? FileHash.Sha256(path)), ("@size", size), ("@chunks", chunks));
        using var file = File.OpenRead(path);
        using var insert = db.Command("INSERT INTO adapter_file_chunks (adapter_id, ordinal, data) VALUES (@id, @ordinal, @data)", ("@id", adapterId));
        var buffer = new byte[ChunkBytes];
        for (var ordinal = 0; ordinal < chunks; ordinal++)
        {
            var read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            Db.Execute(insert, ("@ordinal", ordinal), ("@data", read == buffer.Length ? buffer : buffer[..read]));
        }
    }

    /// <summary>Forgets a file in the caller's transaction (its adapter is being deleted).</summary>
    internal static void Delete(Db db, string adapterId)
    {
        db.Execute("DELETE FROM adapter_file_chunks WHERE adapter_id = @id", ("@id", adapterId));
        db.Execute("DELETE FROM adapter_files WHERE adapter_id = @id", ("@id", adapterId));
    }

    /// <summary>
    /// Makes <paramref name="path"/> hold the adapter's stored bytes: kept when its hash matches, else written from the
    /// database (atomically, checked against the stored hash). False when the database has no file for the adapter.
    /// </summary>
    public bool Materialize(string adapterId, string path)
    {
        if (Stored(adapterId) is not { } stored)
            return false;
        if (File.Exists(path) && new FileInfo(path).Length == stored.Size && FileHash.Sha256(path) == stored.Sha256)
            return true;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = AtomicFile.TempPathFor(path);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                database.Read(db =>
                {
                    using var chunks = db.Command("SELECT data FROM adapter_file_chunks WHERE adapter_id = @id ORDER BY ordinal", ("@id", adapterId));
                    using var reader = chunks.ExecuteReader();
                    while (reader.Read())
                        file.Write((byte[])reader.GetValue(0));
                    return true;
                });
            }
            var written = FileHash.Sha256(temp);
            if (written != stored.Sha256)
                throw new InvalidDataException($"Adapter {adapterId}: the bytes read from the database hash to {written}, not the stored {stored.Sha256}.");
            AtomicFile.Publish(temp, path);
            return true;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Adapters registered before their files went into the database (migration 4), whose file this replica has.</summary>
    internal IReadOnlyList<string> WithoutStoredFile() => database.Read(db => db.Query(
        "SELECT id FROM adapters WHERE id NOT IN (SELECT adapter_id FROM adapter_files) ORDER BY id", r => r.GetString(0)));

    /// <summary>Stores the file of an adapter registered before migration 4 (once, by the replica that has it).</summary>
    internal void Backfill(string adapterId, string path) => database.Write(db =>
    {
        if (db.Scalar("SELECT 1 FROM adapter_files WHERE adapter_id = @id", ("@id", adapterId)) is null)
            Save(db, adapterId, path);
    });
}
