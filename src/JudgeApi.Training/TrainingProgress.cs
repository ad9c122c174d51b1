namespace JudgeApi.Training;

/// <summary>Reported after every optimizer step.</summary>
/// <param name="Loss">Mean target-token cross-entropy of the step's examples.</param>
/// <param name="TokensPerSecond">Sequence tokens (prompt + target) processed per second so far.</param>
public sealed record TrainingProgress(
    int Step, int TotalSteps, int Epoch, float Loss, float LearningRate, double TokensPerSecond, TimeSpan Elapsed, TimeSpan Remaining);
