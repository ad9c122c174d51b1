using System.Diagnostics;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.IO;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// Trains every weight of a model (llama-finetune's mode; a model trained from scratch starts from a generated
/// one) on chat examples, with the graphs, loss and AdamW of <see cref="LoraTrainer"/>, and writes the result as a
/// GGUF model llama.cpp loads, in F32, F16 or Q8_0, with a JSON manifest next to it. The model must hold F32, F16 or
/// BF16 weights; they are trained in F32. LoRA options (rank, alpha, targets) do not apply.
/// </summary>
/// <param name="chatTemplate">As <see cref="LoraTrainer"/>'s: the built-in template the examples are rendered with; null: the model's.</param>
public sealed class FullParameterTrainer(TrainerOptions? options = null, GgmlType outputType = GgmlType.F32, string? chatTemplate = null)
{
    public TrainerOptions Options { get; } = options ?? new TrainerOptions();

    /// <summary>The type the trained model is written in (<see cref="TrainedModelWriter.Types"/>).</summary>
    public GgmlType OutputType { get; } = TrainedModelWriter.Types.Contains(outputType)
        ? outputType
        : throw new ArgumentOutOfRangeException(nameof(outputType), outputType, $"A trained model is written as one of {string.Join(", ", TrainedModelWriter.Types)}.");

    /// <summary>Trains on an NDJSON dataset file (see <see cref="NdjsonDataset"/>).</summary>
    public Task<TrainingResult> TrainAsync(string modelPath, string datasetPath, string outPath,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Train(modelPath, NdjsonDataset.Read(datasetPath), outPath, progress, cancellationToken), cancellationToken);

    /// <summary>Trains on examples; nothing is written when it fails or is cancelled.</summary>
    public Task<TrainingResult> TrainAsync(string modelPath, IEnumerable<TrainingExample> examples, string outPath,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Train(modelPath, examples.ToList(), outPath, progress, cancellationToken), cancellationToken);

    private unsafe TrainingResult Train(string modelPath, IReadOnlyList<TrainingExample> examples, string outPath,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        TrainingLoop.CheckInputs(Options, modelPath, examples, outPath);
        var clock = Stopwatch.StartNew();
        using var session = new TrainingSession(modelPath, new TrainingTarget.FullParameters(), Options.ComputeThreads);
        var run = TrainingLoop.Run(session, modelPath, chatTemplate, examples, Options, progress, cancellationToken);

        var trained = session.Parameters.Entries.ToDictionary(e => TensorData.NameOf(e.Parameter), e => (IntPtr)e.Parameter, StringComparer.Ordinal);
        TrainedModelWriter.Write(modelPath, outPath, OutputType, trained.Keys.ToHashSet(), name => TensorData.Read((ggml_tensor*)trained[name]));
        var manifestPath = ModelManifest.PathFor(outPath);
        new ModelManifest(
            BaseModel: Path.GetFileName(modelPath),
            BaseModelSha256: FileHash.Sha256(modelPath),
            Architecture: session.Hyperparameters.Architecture,
            Type: OutputType.ToString(),
            Parameters: session.Parameters.ParameterCount,
            Steps: run.Steps,
            Examples: run.Examples,
            InitialLoss: run.InitialLoss,
            FinalLoss: run.FinalLoss,
            Seed: Options.Seed,
            LearningRate: Options.LearningRate,
            WeightDecay: Options.WeightDecay,
            Epochs: Options.Epochs,
            BatchSize: Options.BatchSize,
            MaxSequenceLength: Options.MaxSequenceLength,
            CreatedUtc: DateTimeOffset.UtcNow).Write(manifestPath);
        return TrainingResult.From(run, outPath, manifestPath, session, adapterBytes: 0, clock.Elapsed);
    }
}
