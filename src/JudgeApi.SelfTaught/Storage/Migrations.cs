namespace JudgeApi.SelfTaught;

/// <summary>One step of the schema: the statements that take a database from the version before to <see cref="Version"/>.</summary>
internal sealed record Migration(int Version, string Description, string Sql);

/// <summary>
/// The schema's history, oldest first, and how a database is brought to its end. Each store writes the statements for
/// its own tables (<c>Tables</c> beside it), so no module creates or changes another's. A migration that has shipped is
/// never edited: a change is a new one at the end. <c>schema_version</c> holds one row per migration applied.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        // The first release's schema exactly, in its order: a database it wrote holds these tables and no version.
        new(1, "instructions, iterations, pairs, judgments, examples, iteration_loop, the held-out set, adapters",
            string.Join('\n', InstructionPool.Tables, IterationStore.Tables, PairStore.Tables, CandidateStore.FirstReleaseTables, HeldOutSet.Tables,
                AdapterRegistry.Tables)),
        new(2, "iteration_loop is renamed candidate_results", CandidateStore.RenameTable),
        new(3, "the console's tables: adapter_audit, training_steps, manual_cases, manual_case_runs",
            string.Join('\n', AdapterAudit.Tables, TrainingHistory.Tables, ManualCaseStore.Tables)),
        new(4, "judgments and examples record the judge behaviour version", PairStore.BehaviorVersionColumns),
        new(5, "multi-turn instructions and pairs (follow-ups, the generated earlier turns) and which model wrote each text",
            string.Join('\n', InstructionPool.MultiTurnColumns, PairStore.MultiTurnColumns, HeldOutSet.MultiTurnColumns)),
        new(6, "scale-out: item leases and who recorded each item, adapter files in the database, leader terms, the shared data-protection keys",
            string.Join('\n', InstructionPool.LeaseColumns, PairStore.LeaseColumns, AdapterFiles.Tables, LeaderTerms.Tables, SharedKeys.Tables)),
        new(7, "evaluation split into items any replica claims (evaluation_plans, evaluation_items); stored adapter files found by hash",
            string.Join('\n', EvaluationItems.Tables, AdapterFiles.Sha256Index)),
    ];

    /// <summary>The tables migration 1 creates: how a database from before versioning is recognised.</summary>
    private static readonly string[] FirstReleaseTableNames =
        ["instructions", "iterations", "pairs", "judgments", "examples", "iteration_loop", "heldout_pairs", "heldout_built", "adapters", "active_adapter"];

    public static int Latest => All[^1].Version;

    /// <summary>Applies, in the caller's transaction, every migration the database has not had yet, in the store's types (<see cref="SqlDialect.Schema"/>).</summary>
    public static void Apply(Db db, string path, TimeProvider time)
    {
        db.Execute(db.Dialect.Schema("""
            CREATE TABLE IF NOT EXISTS schema_version (
                version INTEGER PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at TEXT NOT NULL)
            """));
        var current = db.Scalar("SELECT MAX(version) FROM schema_version") is long version ? (int)version : Unversioned(db, path, time);
        if (current > Latest)
            throw new InvalidOperationException(
                $"{path} is at schema version {current}, written by a newer release; this one reads versions up to {Latest}. Run that release or a later one.");
        foreach (var migration in All.Where(m => m.Version > current))
        {
            db.Execute(db.Dialect.Schema(migration.Sql));
            Record(db, migration.Version, migration.Description, time);
        }
    }

    /// <summary>
    /// The version of a database without <c>schema_version</c> rows: 0 when it is new, 1 when it holds the first
    /// release's tables (recorded as such, without running anything on them).
    /// </summary>
    private static int Unversioned(Db db, string path, TimeProvider time)
    {
        var tables = db.Dialect.Tables(db);
        var found = FirstReleaseTableNames.Where(tables.Contains).ToList();
        if (found.Count == 0)
            return 0;
        if (found.Count < FirstReleaseTableNames.Length)
            throw new InvalidOperationException(
                $"{path} has some of the first release's tables ({string.Join(", ", found)}) but not {string.Join(", ", FirstReleaseTableNames.Except(found))}: it was not written by this service.");
        Record(db, 1, "recognised by its tables: written by the first release, before versions were recorded", time);
        return 1;
    }

    private static void Record(Db db, int version, string description, TimeProvider time) =>
        db.Execute("INSERT INTO schema_version (version, description, applied_at) VALUES (@version, @description, @now)",
            ("@version", version), ("@description", description), ("@now", time.GetUtcNow().ToString("O")));
}
