using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The pipeline's SQLite file (<c>{DataDir}/pipeline.db</c>): opens connections and creates the schema. WAL with
/// synchronous=FULL, so a committed item survives <c>kill -9</c> and a crash never leaves half a row.
/// </summary>
public sealed class PipelineDatabase
{
    private readonly string connectionString;

    public PipelineDatabase(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDir, "pipeline.db"));
        connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, Schema);
    }

    public string Path { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS instructions (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            category TEXT NULL,
            category_source TEXT NULL,
            created_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS instructions_category ON instructions(category);

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

        CREATE TABLE IF NOT EXISTS pairs (
            id INTEGER PRIMARY KEY,
            iteration_id TEXT NOT NULL REFERENCES iterations(id),
            instruction_id INTEGER NOT NULL REFERENCES instructions(id),
            ordinal INTEGER NOT NULL,
            state TEXT NOT NULL,
            instruction TEXT NOT NULL,
            modified_instruction TEXT NULL,
            chosen TEXT NULL,
            rejected TEXT NULL,
            synthesis TEXT NULL,
            judgments INTEGER NULL,
            correct INTEGER NULL,
            kept_sample INTEGER NULL,
            label TEXT NULL,
            discard_reason TEXT NULL,
            UNIQUE (iteration_id, instruction_id));
        CREATE INDEX IF NOT EXISTS pairs_iteration_state ON pairs(iteration_id, state, ordinal);

        CREATE TABLE IF NOT EXISTS judgments (
            pair_id INTEGER NOT NULL REFERENCES pairs(id),
            sample INTEGER NOT NULL,
            chosen_position TEXT NOT NULL,
            winner TEXT NULL,
            correct INTEGER NOT NULL,
            seed INTEGER NOT NULL,
            probability_a REAL NULL,
            reasoning TEXT NOT NULL,
            completion TEXT NOT NULL,
            PRIMARY KEY (pair_id, sample));

        CREATE TABLE IF NOT EXISTS examples (
            pair_id INTEGER PRIMARY KEY REFERENCES pairs(id),
            iteration_id TEXT NOT NULL REFERENCES iterations(id),
            label TEXT NOT NULL,
            messages TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS examples_iteration ON examples(iteration_id, pair_id);

        CREATE TABLE IF NOT EXISTS iteration_loop (
            iteration_id TEXT PRIMARY KEY REFERENCES iterations(id),
            training TEXT NULL,
            evaluation TEXT NULL,
            promotion TEXT NULL);

        CREATE TABLE IF NOT EXISTS heldout_pairs (
            instruction_id INTEGER PRIMARY KEY REFERENCES instructions(id),
            instruction TEXT NOT NULL,
            chosen TEXT NOT NULL,
            rejected TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS heldout_built (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            built_at TEXT NOT NULL);

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
}
