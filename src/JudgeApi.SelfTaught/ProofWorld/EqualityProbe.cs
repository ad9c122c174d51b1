using System.Globalization;
using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Training;

namespace JudgeApi.SelfTaught;

/// <summary>One probe case: a reference number and two answers, exactly one of them the reference.</summary>
public sealed record EqualityCase(string Reference, string A, string B, bool NearMiss)
{
    public IReadOnlyList<ChatMessage> Prompt => [new("user", $"Reference: {Reference}\nA: {A}\nB: {B}")];

    /// <summary>The target: each answer marked against the reference; the first mark is the one decision, the second follows from it.</summary>
    public string Completion => $"A is {Mark(A)}. B is {Mark(B)}.";

    private string Mark(string answer) => answer == Reference ? "right" : "wrong";
}

/// <summary>
/// Can the seed model's shape learn the one step a careful judgment of the proof world needs, telling whether two
/// numbers are the same? Trains that shape (<see cref="ProofModel.Preset"/>, optionally deeper) from scratch on
/// nothing but marking two answers against a reference given in the prompt, with numbers of up to
/// <c>digits</c> digits (each digit a token, as in the world) whose wrong answer is mostly a near miss
/// (<see cref="SeedCorpus.NearMiss"/>, as in the seed corpus's matches), then measures
/// the first mark greedily on held-out cases. This isolates the comparison from everything else the seed corpus
/// teaches, so the training a seed needs for it can be measured in minutes instead of a whole seed run.
/// </summary>
public static class EqualityProbe
{
    public static IReadOnlyList<EqualityCase> Cases(int digits, int count, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        var top = (int)Math.Pow(10, digits);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var reference = random.Next(1, top).ToString(CultureInfo.InvariantCulture);
            string other;
            bool nearMiss;
            do
            {
                nearMiss = reference.Length > 1 && random.Next(5) < SeedCorpus.NearMissesInFive;
                other = nearMiss ? SeedCorpus.NearMiss(reference, random) : random.Next(1, top).ToString(CultureInfo.InvariantCulture);
            }
            while (other == reference);
            return random.Next(2) == 0 ? new EqualityCase(reference, reference, other, nearMiss) : new EqualityCase(reference, other, reference, nearMiss);
        }).ToList();
    }

    /// <summary>Trains the probe model into <paramref name="outPath"/>; the vocabulary and the initial weights are the seed model's for <paramref name="seed"/>.</summary>
    public static async Task<TrainingResult> TrainAsync(string outPath, int digits, int examples, int layers, int batchSize, float learningRate, int seed,
        int threads, string work, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var (initial, _) = ProofModel.WriteInitialModel(work, seed, layers: layers);
        var cases = Cases(digits, examples, new Random(seed));
        var options = ProofModel.TrainerOptions(seed, threads) with { BatchSize = batchSize, LearningRate = learningRate, MaxSequenceLength = 128 };
        return await new FullParameterTrainer(options).TrainAsync(initial,
            cases.Select(c => new TrainingExample([.. c.Prompt, new ChatMessage("assistant", c.Completion)])), outPath, progress, cancellationToken);
    }

    /// <summary>The share of held-out cases (drawn from another seed) whose greedy first mark is right, overall and on near misses.</summary>
    public static async Task<(double Accuracy, double NearMissAccuracy)> MeasureAsync(IJudgeEngine engine, int digits, int count, int seed, CancellationToken cancellationToken)
    {
        var cases = Cases(digits, count, new Random(seed + 1_000_003));
        var right = await Task.WhenAll(cases.Select(async c =>
        {
            var reply = await engine.GenerateAsync(c.Prompt, new GenerationRequest(MaxTokens: 8), WorkPriority.Interactive, cancellationToken);
            return (c.NearMiss, Right: reply.Text.TrimStart().StartsWith(c.Completion.Split(". ")[0], StringComparison.Ordinal));
        }));
        var nearMisses = right.Where(r => r.NearMiss).ToList();
        return (right.Average(r => r.Right ? 1.0 : 0.0), nearMisses.Count == 0 ? double.NaN : nearMisses.Average(r => r.Right ? 1.0 : 0.0));
    }
}
