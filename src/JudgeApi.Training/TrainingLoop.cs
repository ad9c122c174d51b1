using System.Diagnostics;
using JudgeApi.Llama;

namespace JudgeApi.Training;

/// <summary>
/// The optimisation loop both trainers share: tokenizes the examples as the service renders prompts, shuffles them
/// each epoch, accumulates the gradients of each step's mean cross-entropy over its examples' target tokens and applies
/// AdamW with warm-up and cosine decay.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>What the loop did; the trainer adds where it wrote the result.</summary>
    internal sealed record Outcome(int Steps, int Examples, long Tokens, double TokensPerSecond, float InitialLoss, float FinalLoss,
        int TruncatedExamples, long TruncatedTokens);

    /// <summary>The checks both trainers make before loading anything.</summary>
    public static void CheckInputs(TrainerOptions options, string modelPath, IReadOnlyList<TrainingExample> examples, string outPath)
    {
        options.Validate();
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        if (!File.Exists(modelPath))
            throw new TrainingModelException($"Base model '{modelPath}' does not exist.");
        if (examples.Count == 0)
            throw new TrainingDataException("The dataset holds no examples.");
    }

    public static Outcome Run(TrainingSession session, string modelPath, string? chatTemplate, IReadOnlyList<TrainingExample> examples, TrainerOptions options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var maxLength = Math.Min(options.MaxSequenceLength, session.Hyperparameters.TrainContextLength);
        var sequences = Tokenize(modelPath, chatTemplate, examples, maxLength);

        var batchesPerEpoch = (sequences.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = Math.Min(batchesPerEpoch * options.Epochs, options.MaxSteps ?? int.MaxValue);
        var schedule = new LearningRateSchedule(options.LearningRate, totalSteps, (int)(options.WarmupFraction * totalSteps), options.FinalLearningRateFraction);
        var order = Enumerable.Range(0, sequences.Count).ToArray();
        var random = new Random(options.Seed);

        // Throughput counts the optimisation loop only, not loading and tokenizing.
        var clock = Stopwatch.StartNew();
        var step = 0;
        long tokens = 0;
        float initialLoss = float.NaN, lastLoss = float.NaN;
        for (var epoch = 1; step < totalSteps; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length && step < totalSteps; start += options.BatchSize)
            {
                var batch = order.Skip(start).Take(options.BatchSize).Select(i => sequences[i]).ToList();
                var targets = batch.Sum(e => e.TargetLength);
                var loss = 0f;
                // each example's loss is its mean over its targets: weighting it by its share of the step's targets
                // makes the step's loss (and gradient) the mean over every target token of the batch
                foreach (var example in batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var weight = (float)example.TargetLength / targets;
                    loss += weight * session.AccumulateGradients(example, weight);
                    tokens += example.Tokens.Length;
                }
                step++;
                var learningRate = schedule.At(step);
                session.AdamWStep(learningRate, step, weightDecay: options.WeightDecay);
                lastLoss = loss;
                if (!float.IsFinite(lastLoss))
                    throw new LlamaException($"Training diverged at step {step} (loss {lastLoss}); lower the learning rate.");
                if (step == 1)
                    initialLoss = lastLoss;

                var elapsed = clock.Elapsed;
                var remaining = TimeSpan.FromTicks(elapsed.Ticks / step * (totalSteps - step));
                progress?.Report(new TrainingProgress(step, totalSteps, epoch, lastLoss, learningRate, tokens / elapsed.TotalSeconds, elapsed, remaining));
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        return new Outcome(step, sequences.Count, tokens, tokens / clock.Elapsed.TotalSeconds, initialLoss, lastLoss,
            sequences.Count(s => s.TruncatedPromptTokens > 0), sequences.Sum(s => (long)s.TruncatedPromptTokens));
    }

    private static List<TokenizedExample> Tokenize(string modelPath, string? chatTemplate, IReadOnlyList<TrainingExample> examples, int maxSequenceLength)
    {
        using var vocab = LlamaModel.Load(modelPath, new ModelOptions { VocabOnly = true });
        var tokenizer = new ChatExampleTokenizer(new ChatTokenizer(vocab, ChatTemplate.For(vocab, chatTemplate)), maxSequenceLength);
        return examples.Select(tokenizer.Tokenize).ToList();
    }
}
