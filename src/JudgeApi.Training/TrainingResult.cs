namespace JudgeApi.Training;

/// <summary>What a finished training run produced.</summary>
/// <param name="OutputPath">The adapter (LoRA training) or the model (full-parameter training) written.</param>
/// <param name="TokensPerSecond">Sequence tokens per second of the optimisation loop (loading excluded).</param>
/// <param name="InitialLoss">Loss of the first optimizer step (before any update).</param>
/// <param name="FinalLoss">Loss of the last optimizer step.</param>
/// <param name="TruncatedExamples">Examples that lost prompt tokens to the maximum sequence length.</param>
/// <param name="TruncatedTokens">Prompt tokens dropped in all.</param>
/// <param name="CopiedWeightBytes">Model weights copied into memory (trained weights, widened BF16).</param>
/// <param name="MappedWeightBytes">Model weights computed on in place, in the memory-mapped file.</param>
/// <param name="TrainedStateBytes">The trained tensors' parameters (LoRA factors; full training: counted as copied weights), gradients and AdamW moments.</param>
/// <param name="PeakComputeBytes">Largest graph compute buffer (the activations).</param>
public sealed record TrainingResult(
    string OutputPath,
    string ManifestPath,
    int Steps,
    int Examples,
    long TokensProcessed,
    double TokensPerSecond,
    float InitialLoss,
    float FinalLoss,
    int TruncatedExamples,
    long TruncatedTokens,
    long TrainedParameters,
    long CopiedWeightBytes,
    long MappedWeightBytes,
    long TrainedStateBytes,
    long PeakComputeBytes,
    TimeSpan Elapsed)
{
    internal static TrainingResult From(TrainingLoop.Outcome run, string outputPath, string manifestPath, TrainingSession session, long adapterBytes, TimeSpan elapsed) =>
        new(outputPath, manifestPath, run.Steps, run.Examples, run.Tokens, run.TokensPerSecond, run.InitialLoss, run.FinalLoss,
            run.TruncatedExamples, run.TruncatedTokens, session.Parameters.ParameterCount, session.Weights.CopiedBytes, session.Weights.MappedBytes,
            adapterBytes + session.Parameters.StateBytes, session.ComputeBufferBytes, elapsed);
}
