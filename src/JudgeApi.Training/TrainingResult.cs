namespace JudgeApi.Training;

/// <summary>What a finished training run produced.</summary>
/// <param name="TokensPerSecond">Sequence tokens per second of the optimisation loop (loading excluded).</param>
/// <param name="InitialLoss">Loss of the first optimizer step (before any update).</param>
/// <param name="FinalLoss">Loss of the last optimizer step.</param>
/// <param name="TruncatedExamples">Examples that lost prompt tokens to the maximum sequence length.</param>
/// <param name="TruncatedTokens">Prompt tokens dropped in all.</param>
/// <param name="PeakComputeBytes">Largest graph compute buffer; with the weights and LoRA state, the training memory.</param>
public sealed record TrainingResult(
    string AdapterPath,
    string ManifestPath,
    int Steps,
    int Examples,
    long TokensProcessed,
    double TokensPerSecond,
    float InitialLoss,
    float FinalLoss,
    int TruncatedExamples,
    long TruncatedTokens,
    long BaseWeightBytes,
    long LoraStateBytes,
    long PeakComputeBytes,
    TimeSpan Elapsed);
