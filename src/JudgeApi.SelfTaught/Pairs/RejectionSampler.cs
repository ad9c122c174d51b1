using JudgeApi.Judging;

namespace JudgeApi.SelfTaught;

/// <summary>Result of annotating one pair: all N judgments and the correct one kept for training (null: none correct).</summary>
public sealed record PairAnnotation(IReadOnlyList<JudgmentRecord> Judgments, int? KeptSample);

/// <summary>
/// Annotation by rejection sampling: N judgments of a pair, half with y_w in position A and half in B; a judgment is
/// correct when it picks y_w (a tie is not: y_w is better by construction); one correct judgment is kept at random.
/// Without rejection (a control run) one judgment is kept at random whatever its verdict.
/// </summary>
public sealed class RejectionSampler(IIterationModel model)
{
    /// <param name="instruction">The judged user turn.</param>
    /// <param name="earlier">The conversation before it (a multi-turn pair: shared by both responses), or null.</param>
    public async Task<PairAnnotation> AnnotateAsync(long iterationSeed, long instructionId, string instruction, string chosen, string rejected,
        IReadOnlyList<EarlierTurn>? earlier, int samples, float temperature, bool reject, CancellationToken cancellationToken)
    {
        var samplesToJudge = Enumerable.Range(0, samples).Select(sample =>
        {
            var pair = ChosenPosition(sample) == PairPosition.A
                ? new PairToJudge(instruction, chosen, rejected, earlier)
                : new PairToJudge(instruction, rejected, chosen, earlier);
            return new JudgeSample(pair, SeedDerivation.Derive(iterationSeed, instructionId, "judge", sample));
        }).ToList();
        var behaviors = samplesToJudge.Select(s => model.JudgeBehaviorVersion(s.Pair)).ToList();
        var results = await model.JudgeAsync(samplesToJudge, temperature, cancellationToken);
        var judgments = results.Select((judgment, sample) => new JudgmentRecord(sample, ChosenPosition(sample), judgment.Winner,
            samplesToJudge[sample].Seed, judgment.ProbabilityA, judgment.Reasoning, judgment.Completion, behaviors[sample])).ToList();
        var correct = judgments.Where(j => Eligible(j, reject)).ToList();
        int? kept = correct.Count == 0
            ? null
            : correct[SeedDerivation.Random(iterationSeed, instructionId, "keep").Next(correct.Count)].Sample;
        return new(judgments, kept);
    }

    /// <summary>The judgments a pair may keep: the correct ones, or (without rejection) any.</summary>
    public static bool Eligible(JudgmentRecord judgment, bool reject) => !reject || judgment.Correct;

    /// <summary>Even samples put y_w first, odd ones second: half in each position (A gets the extra one when N is odd).</summary>
    public static PairPosition ChosenPosition(int sample) => sample % 2 == 0 ? PairPosition.A : PairPosition.B;
}
