namespace JudgeApi.SelfTaught;

/// <summary>
/// The candidate results of each iteration (table <c>candidate_results</c>): training progress and outcome, the
/// evaluation report and the promotion decision, each a JSON column. The last of each stage goes in with the stage's commit.
/// </summary>
public sealed class CandidateStore(SelfTaughtDatabase database)
{
    /// <summary>The first release's table, under its name then; migration 2 renames it (<see cref="RenameTable"/>).</summary>
    internal const string FirstReleaseTables = """
        CREATE TABLE IF NOT EXISTS iteration_loop (
            iteration_id TEXT PRIMARY KEY REFERENCES iterations(id),
            training TEXT NULL,
            evaluation TEXT NULL,
            promotion TEXT NULL);
        """;

    internal const string RenameTable = "ALTER TABLE iteration_loop RENAME TO candidate_results;";

    public CandidateResults? Read(string iterationId) => database.Read(db => Read(db, iterationId));

    internal static CandidateResults? Read(Db db, string iterationId) => db.Query(
        "SELECT training, evaluation, promotion FROM candidate_results WHERE iteration_id = @id",
        r => new CandidateResults(r.GetJson<TrainingReport>(0), r.GetJson<EvaluationReport>(1), r.GetJson<PromotionDecision>(2)),
        ("@id", iterationId)).SingleOrDefault();

    /// <summary>Training progress after a step; null forgets a run that never finished (a crash or cancel during training).</summary>
    public void SaveTrainingProgress(string iterationId, TrainingReport? report) => database.Write(db => SaveTraining(db, iterationId, report));

    internal static void SaveTraining(Db db, string iterationId, TrainingReport? report) => db.Execute("""
        INSERT INTO candidate_results (iteration_id, training) VALUES (@id, @value)
        ON CONFLICT (iteration_id) DO UPDATE SET training = excluded.training
        """, ("@id", iterationId), ("@value", report is null ? null : Db.Json(report)));

    internal static void SaveEvaluation(Db db, string iterationId, EvaluationReport report) => db.Execute("""
        INSERT INTO candidate_results (iteration_id, evaluation) VALUES (@id, @value)
        ON CONFLICT (iteration_id) DO UPDATE SET evaluation = excluded.evaluation
        """, ("@id", iterationId), ("@value", Db.Json(report)));

    internal static void SavePromotion(Db db, string iterationId, PromotionDecision decision) => db.Execute("""
        INSERT INTO candidate_results (iteration_id, promotion) VALUES (@id, @value)
        ON CONFLICT (iteration_id) DO UPDATE SET promotion = excluded.promotion
        """, ("@id", iterationId), ("@value", Db.Json(decision)));
}
