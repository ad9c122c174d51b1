using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>
/// One family's figures: exact-match answer accuracy (greedy), the share of answers in the right form (a number where
/// a number is asked for, three numbers for a sort, a word for a look-up: what a model that learned the task but not
/// its arithmetic gets right), and judge accuracy (both orders, reasoning, greedy).
/// </summary>
public sealed record FamilyScore(double? AnswerAccuracy, double? AnswerFormRate, int Answers, double? JudgeAccuracy, int Pairs);

/// <summary>The seed model on the world's dev half (never the labeled test half): overall and per family.</summary>
public sealed record SeedModelScores(double? AnswerAccuracy, double? AnswerFormRate, double? JudgeAccuracy, IReadOnlyDictionary<string, FamilyScore> Families)
{
    /// <summary>
    /// Answers <paramref name="questions"/> dev questions greedily and judges <paramref name="pairs"/> dev pairs with the
    /// service's judge (the engine is the one the service runs). Seeds are derived from <paramref name="seed"/>.
    /// </summary>
    public static async Task<SeedModelScores> MeasureAsync(IJudgeEngine engine, int seed, int questions, int pairs, int maxReasoningTokens,
        CancellationToken cancellationToken)
    {
        var asked = ProofWorld.DevQuestions(seed + 1, questions);
        var answers = await Task.WhenAll(asked.Select(async q =>
        {
            var reply = await engine.GenerateAsync([new ChatMessage("user", IterationPrompts.Response(q.Instruction))],
                new GenerationRequest(MaxTokens: 32), WorkPriority.Interactive, cancellationToken);
            var answer = reply.Text.Trim();
            return (q.Family, Right: answer == q.Answer, Form: WorldQuestion.Shape(answer) == WorldQuestion.Shape(q.Answer));
        }));
        var judged = pairs == 0
            ? null
            : await new PairwiseEvaluator(engine).EvaluateAsync(ProofWorld.DevSet(seed + 2, pairs), JudgeWeights.Base, JudgeMode.Reasoning,
                maxReasoningTokens, allowTie: false, WorkPriority.Interactive, null, cancellationToken);

        var families = ProofWorld.Families.ToDictionary(f => f.Name, f =>
        {
            var mine = answers.Where(a => a.Family == f.Name).ToList();
            var judge = judged?.Subsets?.GetValueOrDefault(f.Name);
            return new FamilyScore(mine.Count == 0 ? null : mine.Average(a => a.Right ? 1.0 : 0.0), mine.Count == 0 ? null : mine.Average(a => a.Form ? 1.0 : 0.0),
                mine.Count, judge?.Accuracy, (judge?.Judgments ?? 0) / 2);
        });
        return new SeedModelScores(answers.Length == 0 ? null : answers.Average(a => a.Right ? 1.0 : 0.0),
            answers.Length == 0 ? null : answers.Average(a => a.Form ? 1.0 : 0.0), judged?.Accuracy, families);
    }
}
