namespace JudgeApi.SelfTaught;

/// <summary>One optimizer step of an iteration's training, as recorded.</summary>
/// <param name="Loss">Mean target-token cross-entropy of the step's examples (nats per token).</param>
/// <param name="TokensPerSecond">Tokens (prompt + target) processed per second, from the start of training to this step.</param>
/// <param name="ElapsedSeconds">Seconds from the start of training to the end of this step.</param>
public sealed record TrainingStep(int Step, int Epoch, double Loss, double LearningRate, double TokensPerSecond, double ElapsedSeconds);

/// <summary>
/// Every step of an iteration's training (table <c>training_steps</c>): the loss curve and the speed, kept after the
/// run. Steps are written in batches with the training progress; a training run cut short starts over, and so does
/// its history (<see cref="Forget"/>).
/// </summary>
public sealed class TrainingHistory(SelfTaughtDatabase database)
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS training_steps (
            iteration_id TEXT NOT NULL REFERENCES iterations(id),
            step INTEGER NOT NULL,
            epoch INTEGER NOT NULL,
            loss REAL NOT NULL,
            learning_rate REAL NOT NULL,
            tokens_per_second REAL NOT NULL,
            elapsed_seconds REAL NOT NULL,
            PRIMARY KEY (iteration_id, step));
        """;

    public IReadOnlyList<TrainingStep> Steps(string iterationId) => database.Read(db => db.Query("""
        SELECT step, epoch, loss, learning_rate, tokens_per_second, elapsed_seconds FROM training_steps
        WHERE iteration_id = $id ORDER BY step
        """, r => new TrainingStep(r.GetInt32(0), r.GetInt32(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetDouble(5)), ("$id", iterationId)));

    /// <summary>Drops a run that did not finish, before training starts again.</summary>
    public void Forget(string iterationId) => database.Write(db => db.Execute("DELETE FROM training_steps WHERE iteration_id = $id", ("$id", iterationId)));

    /// <summary>The training progress after a step and the steps since the last report, in one transaction.</summary>
    public void Record(string iterationId, TrainingReport report, IReadOnlyList<TrainingStep> steps) => database.Write(db =>
    {
        CandidateStore.SaveTraining(db, iterationId, report);
        Append(db, iterationId, steps);
    });

    /// <summary>Appends steps in the caller's transaction (the one that stores the training progress).</summary>
    internal static void Append(Db db, string iterationId, IReadOnlyList<TrainingStep> steps)
    {
        if (steps.Count == 0)
            return;
        using var insert = db.Command("""
            INSERT OR REPLACE INTO training_steps (iteration_id, step, epoch, loss, learning_rate, tokens_per_second, elapsed_seconds)
            VALUES ($id, $step, $epoch, $loss, $rate, $speed, $elapsed)
            """, ("$id", iterationId));
        foreach (var s in steps)
            Db.Execute(insert, ("$step", s.Step), ("$epoch", s.Epoch), ("$loss", s.Loss), ("$rate", s.LearningRate), ("$speed", s.TokensPerSecond),
                ("$elapsed", s.ElapsedSeconds));
    }
}
