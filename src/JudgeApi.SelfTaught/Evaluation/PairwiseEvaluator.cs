using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Accuracy of one set of weights on labeled pairs, each judged in both orders (chosen shown first, then second), so
/// a judge that always answers "A" scores 50%. Pairs whose prompt does not fit the context are counted as skipped.
/// A set that holds ties (MT-Bench human judgments) also gets tie-aware agreement (<see cref="TieAgreement"/>).
/// </summary>
public sealed class PairwiseEvaluator(IJudgeEngine engine)
{
    /// <param name="allowTie">The judge prompt offers a tie (<c>[[C]]</c>); without it the judge can still disagree with itself.</param>
    public async Task<AccuracyScore> EvaluateAsync(IReadOnlyList<LabeledPair> pairs, JudgeWeights weights, JudgeMode mode, int maxReasoningTokens,
        bool allowTie, WorkPriority priority, Action? pairDone, CancellationToken cancellationToken)
    {
        var outcomes = await Task.WhenAll(pairs.Select(async pair =>
        {
            try
            {
                return await JudgeBothOrdersAsync(pair, weights, mode, maxReasoningTokens, allowTie, priority, cancellationToken);
            }
            finally
            {
                pairDone?.Invoke();
            }
        }));
        return Score(outcomes);
    }

    /// <summary>One pair judged in both orders (chosen shown first, then second); no verdicts when its prompt does not fit the context.</summary>
    public async Task<PairOutcome> JudgeBothOrdersAsync(LabeledPair pair, JudgeWeights weights, JudgeMode mode, int maxReasoningTokens, bool allowTie,
        WorkPriority priority, CancellationToken cancellationToken)
    {
        try
        {
            var results = await engine.JudgeManyAsync(
            [
                new JudgeOnceRequest(pair.Prompt, pair.Chosen, pair.Rejected, null, mode, maxReasoningTokens, Weights: weights,
                    Earlier: pair.Earlier, AllowTie: allowTie),
                new JudgeOnceRequest(pair.Prompt, pair.Rejected, pair.Chosen, null, mode, maxReasoningTokens, Weights: weights,
                    Earlier: pair.Earlier?.Select(t => t.Swapped()).ToArray(), AllowTie: allowTie),
            ], priority, cancellationToken);
            return new PairOutcome(pair, Side(results[0].Verdict, chosenFirst: true), Side(results[1].Verdict, chosenFirst: false));
        }
        catch (LlamaPromptTooLongException)
        {
            return new PairOutcome(pair, null, null);
        }
    }

    /// <summary>
    /// The score of one set of weights from its pairs' outcomes, in set order: overall, per subset, and the per-pair
    /// outcome string. The one computation for outcomes judged here at once and for those recorded by several replicas.
    /// </summary>
    public static AccuracyScore Score(IReadOnlyList<PairOutcome> outcomes)
    {
        var subsets = outcomes.Where(o => o.Pair.Subset is not null).GroupBy(o => o.Pair.Subset!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ScoreOf(g.ToList()), StringComparer.Ordinal);
        return ScoreOf(outcomes) with
        {
            Subsets = subsets.Count == 0 ? null : new SortedDictionary<string, AccuracyScore>(subsets, StringComparer.Ordinal),
            Outcomes = string.Concat(outcomes.Select(o => o.Correct is { } correct ? (char)('0' + correct) : '-')),
        };
    }

    /// <summary>Accuracy over the pairs with a better side (a tie verdict is wrong there); tie-aware agreement when some are ties.</summary>
    private static AccuracyScore ScoreOf(IReadOnlyCollection<PairOutcome> outcomes)
    {
        var judged = outcomes.Where(o => o.First is not null).ToList();
        var preferred = judged.Where(o => !o.Pair.Tie).ToList();
        var score = AccuracyScore.Of(preferred.Sum(o => (o.First == Verdict.Chosen ? 1 : 0) + (o.Second == Verdict.Chosen ? 1 : 0)), 2 * preferred.Count)
            with
        { Skipped = outcomes.Count - judged.Count };
        return outcomes.Any(o => o.Pair.Tie) ? score with { TieAware = TieAgreement.Of(judged.Select(o => (o.Pair.Tie, o.Combined)).ToList()) } : score;
    }

    private static Verdict Side(string label, bool chosenFirst) => label switch
    {
        JudgePrompt.LabelTie => Verdict.Tie,
        JudgePrompt.LabelA => chosenFirst ? Verdict.Chosen : Verdict.Rejected,
        _ => chosenFirst ? Verdict.Rejected : Verdict.Chosen,
    };
}

/// <summary>A judge's verdict on a labeled pair, relative to its label.</summary>
public enum Verdict { Chosen, Rejected, Tie }

/// <summary>One pair judged in both orders by one set of weights.</summary>
/// <param name="First">The verdict with the chosen side shown first; null when the pair did not fit.</param>
public sealed record PairOutcome(LabeledPair Pair, Verdict? First, Verdict? Second)
{
    /// <summary>MT-Bench's rule for a judgment in both orders: a side wins only when both orders pick it; anything else is a tie.</summary>
    public Verdict Combined => First == Second ? First!.Value : Verdict.Tie;

    /// <summary>
    /// The orders (0-2) whose verdict is the label (the chosen side, or a tie on a tie pair): the per-pair outcome
    /// a paired test compares; null when the pair did not fit.
    /// </summary>
    public int? Correct => First is null ? null : (First == Label ? 1 : 0) + (Second == Label ? 1 : 0);

    private Verdict Label => Pair.Tie ? Verdict.Tie : Verdict.Chosen;
}
