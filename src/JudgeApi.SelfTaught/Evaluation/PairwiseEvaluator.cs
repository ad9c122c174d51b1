using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Accuracy of one set of weights on labeled pairs, each judged in both orders (chosen shown first, then second), so
/// a judge that always answers "A" scores 50%. Pairs whose prompt does not fit the context are counted as skipped.
/// </summary>
public sealed class PairwiseEvaluator(IJudgeEngine engine)
{
    public async Task<AccuracyScore> EvaluateAsync(IReadOnlyList<LabeledPair> pairs, JudgeWeights weights, JudgeMode mode, int maxReasoningTokens,
        WorkPriority priority, Action? pairDone, CancellationToken cancellationToken)
    {
        var outcomes = await Task.WhenAll(pairs.Select(async pair =>
        {
            try
            {
                var results = await engine.JudgeManyAsync(
                [
                    new JudgeOnceRequest(pair.Prompt, pair.Chosen, pair.Rejected, null, mode, maxReasoningTokens, Weights: weights),
                    new JudgeOnceRequest(pair.Prompt, pair.Rejected, pair.Chosen, null, mode, maxReasoningTokens, Weights: weights),
                ], priority, cancellationToken);
                return (pair.Subset, Correct: (int?)((results[0].Verdict == JudgePrompt.LabelA ? 1 : 0) + (results[1].Verdict == JudgePrompt.LabelB ? 1 : 0)));
            }
            catch (LlamaPromptTooLongException)
            {
                return (pair.Subset, Correct: (int?)null);
            }
            finally
            {
                pairDone?.Invoke();
            }
        }));

        var subsets = outcomes.Where(o => o.Subset is not null).GroupBy(o => o.Subset!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Score(g.ToList()), StringComparer.Ordinal);
        return Score(outcomes) with
        {
            Subsets = subsets.Count == 0 ? null : new SortedDictionary<string, AccuracyScore>(subsets, StringComparer.Ordinal),
            Outcomes = string.Concat(outcomes.Select(o => o.Correct is { } correct ? (char)('0' + correct) : '-')),
        };
    }

    private static AccuracyScore Score(IReadOnlyCollection<(string? Subset, int? Correct)> outcomes)
    {
        var judged = outcomes.Where(o => o.Correct is not null).ToList();
        return AccuracyScore.Of(judged.Sum(o => o.Correct!.Value), 2 * judged.Count) with { Skipped = outcomes.Count - judged.Count };
    }
}
