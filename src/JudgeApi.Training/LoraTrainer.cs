using System.Diagnostics;
using JudgeApi.Llama;
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
        Options.Validate();
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        if (!File.Exists(modelPath))
            throw new TrainingModelException($"Base model '{modelPath}' does not exist.");
        if (examples.Count == 0)
            throw new TrainingDataException("The dataset holds no examples.");

        var clock = Stopwatch.StartNew();
        using var session = new LoraTrainingSession(modelPath, Options.AdaptedTargets, Options.Rank, Options.Alpha, Options.Seed, Options.ComputeThreads);
        var sequences = TokenizeAll(modelPath, chatTemplate, examples, Math.Min(Options.MaxSequenceLength, session.Hyperparameters.TrainContextLength));

        var batchesPerEpoch = (sequences.Count + Options.BatchSize - 1) / Options.BatchSize;
        var totalSteps = Math.Min(batchesPerEpoch * Options.Epochs, Options.MaxSteps ?? int.MaxValue);
        var schedule = new LearningRateSchedule(Options.LearningRate, totalSteps, (int)(Options.WarmupFraction * totalSteps), Options.FinalLearningRateFraction);
        var order = Enumerable.Range(0, sequences.Count).ToArray();
        var random = new Random(Options.Seed);

        // Throughput counts the optimisation loop only, not loading and tokenizing.
        var loopClock = Stopwatch.StartNew();
        var step = 0;
        long tokens = 0;
        float initialLoss = float.NaN, lastLoss = float.NaN;
        for (var epoch = 1; step < totalSteps; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length && step < totalSteps; start += Options.BatchSize)
            {
                var batch = order.AsSpan(start, Math.Min(Options.BatchSize, order.Length - start));
                var lossSum = 0f;
                foreach (var index in batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    lossSum += session.AccumulateGradients(sequences[index], 1f / batch.Length);
                    tokens += sequences[index].Tokens.Length;
                }
                step++;
                var learningRate = schedule.At(step);
                session.AdamWStep(learningRate, step, weightDecay: Options.WeightDecay);
                lastLoss = lossSum / batch.Length;
                if (!float.IsFinite(lastLoss))
                    throw new LlamaException($"Training diverged at step {step} (loss {lastLoss}); lower the learning rate.");
                if (step == 1)
                    initialLoss = lastLoss;

                var elapsed = loopClock.Elapsed;
                var remaining = TimeSpan.FromTicks(elapsed.Ticks / step * (totalSteps - step));
                progress?.Report(new TrainingProgress(step, totalSteps, epoch, lastLoss, learningRate, tokens / elapsed.TotalSeconds, elapsed, remaining));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var lora = session.Lora;
        LoraAdapterWriter.Write(outPath, modelPath, lora.Alpha, lora.Export());
        var manifestPath = AdapterManifest.PathFor(outPath);
        new AdapterManifest(
            BaseModel: Path.GetFileName(modelPath),
            BaseModelSha256: FileHash.Sha256(modelPath),
            Architecture: session.Hyperparameters.Architecture,
            Rank: lora.Rank,
            Alpha: lora.Alpha,
            Targets: Options.AdaptedTargets,
            Steps: step,
            Examples: sequences.Count,
            FinalLoss: lastLoss,
            Seed: Options.Seed,
            LearningRate: Options.LearningRate,
            Epochs: Options.Epochs,
            MaxSequenceLength: Options.MaxSequenceLength,
            CreatedUtc: DateTimeOffset.UtcNow).Write(manifestPath);

        return new TrainingResult(
            AdapterPath: outPath,
            ManifestPath: manifestPath,
            Steps: step,
            Examples: sequences.Count,
            TokensProcessed: tokens,
            TokensPerSecond: tokens / loopClock.Elapsed.TotalSeconds,
            InitialLoss: initialLoss,
            FinalLoss: lastLoss,
            TruncatedExamples: sequences.Count(s => s.TruncatedPromptTokens > 0),
            TruncatedTokens: sequences.Sum(s => (long)s.TruncatedPromptTokens),
            BaseWeightBytes: session.BaseWeights.SizeBytes,
            LoraStateBytes: lora.SizeBytes,
            PeakComputeBytes: session.ComputeBufferBytes,
            Elapsed: clock.Elapsed);
    }

    private static List<TokenizedExample> TokenizeAll(string modelPath, string? chatTemplate, IReadOnlyList<TrainingExample> examples, int maxSequenceLength)
    {
        using var vocab = LlamaModel.Load(modelPath, new ModelOptions { VocabOnly = true });
        var tokenizer = new ChatExampleTokenizer(new ChatTokenizer(vocab, ChatTemplate.For(vocab, chatTemplate)), maxSequenceLength);
        return examples.Select(tokenizer.Tokenize).ToList();
    }
}
