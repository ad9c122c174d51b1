using System.Diagnostics;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.IO;

namespace JudgeApi.Training;

/// <summary>
/// Fine-tunes a LoRA adapter for a GGUF base model on chat examples, with the loss on the assistant turn only,
/// and writes it as a GGUF adapter llama.cpp loads (plus a JSON manifest next to it). Runs on the CPU backend.
/// </summary>
/// <param name="chatTemplate">The built-in chat template the examples are rendered with instead of the model's own (the
/// one the service serves with, <c>Judge:ChatTemplate</c>); null: the model's.</param>
public sealed class LoraTrainer(TrainerOptions? options = null, string? chatTemplate = null)
{
    public TrainerOptions Options { get; } = options ?? new TrainerOptions();

    /// <summary>Trains on an NDJSON dataset file (see <see cref="NdjsonDataset"/>).</summary>
    public Task<TrainingResult> TrainAsync(string modelPath, string datasetPath, string outPath,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Train(modelPath, NdjsonDataset.Read(datasetPath), outPath, progress, cancellationToken), cancellationToken);

    /// <summary>Trains on examples; nothing is written when it fails or is cancelled.</summary>
    public Task<TrainingResult> TrainAsync(string modelPath, IEnumerable<TrainingExample> examples, string outPath,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Train(modelPath, examples.ToList(), outPath, progress, cancellationToken), cancellationToken);

    private TrainingResult Train(string modelPath, IReadOnlyList<TrainingExample> examples, string outPath,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        TrainingLoop.CheckInputs(Options, modelPath, examples, outPath);
        var clock = Stopwatch.StartNew();
        using var session = new TrainingSession(modelPath, new TrainingTarget.Lora(Options.AdaptedTargets, Options.Rank, Options.Alpha, Options.Seed), Options.ComputeThreads);
        var run = TrainingLoop.Run(session, modelPath, chatTemplate, examples, Options, progress, cancellationToken);

        var lora = session.Lora!;
        LoraAdapterWriter.Write(outPath, modelPath, lora.Alpha, lora.Export());
        var manifestPath = AdapterManifest.PathFor(outPath);
        new AdapterManifest(
            BaseModel: Path.GetFileName(modelPath),
            BaseModelSha256: FileHash.Sha256(modelPath),
            Architecture: session.Hyperparameters.Architecture,
            Rank: lora.Rank,
            Alpha: lora.Alpha,
            Targets: Options.AdaptedTargets,
            Steps: run.Steps,
            Examples: run.Examples,
            FinalLoss: run.FinalLoss,
            Seed: Options.Seed,
            LearningRate: Options.LearningRate,
            Epochs: Options.Epochs,
            MaxSequenceLength: Options.MaxSequenceLength,
            CreatedUtc: DateTimeOffset.UtcNow).Write(manifestPath);
        return TrainingResult.From(run, outPath, manifestPath, session, lora.SizeBytes, clock.Elapsed);
    }
}
