namespace JudgeApi.SelfTaught;

/// <summary>Result of annotating one pair: all N judgments and the correct one kept for training (null: none correct).</summary>
public sealed record PairAnnotation(IReadOnlyList<JudgmentRecord> Judgments, int? KeptSample);

/// <summary>
/// Annotation by rejection sampling: N judgments of a pair, half with y_w in position A and half in B; a judgment is
/// correct when it picks y_w; one correct judgment is kept at random.
/// </summary>
public sealed class RejectionSampler(IIterationModel model)
{
    public async Task<PairAnnotation> AnnotateAsync(long iterationSeed, long instructionId, string instruction, string chosen, string rejected,
        int samples, float temperature, CancellationToken cancellationToken)
    {
        var samplesToJudge = Enumerable.Range(0, samples).Select(sample =>
        {
            var pair = ChosenPosition(sample) == PairPosition.A
                ? new PairToJudge(instruction, chosen, rejected)
                : new PairToJudge(instruction, rejected, chosen);
            return new JudgeSample(pair, SeedDerivation.Derive(iterationSeed, instructionId, "judge", sample));
        }).ToList();
        var behavior = model.JudgeBehaviorVersion;
        var results = await model.JudgeAsync(samplesToJudge, temperature, cancellationToken);
        var judgments = results.Select((judgment, sample) => new JudgmentRecord(sample, ChosenPosition(sample), judgment.Winner,
            samplesToJudge[sample].Seed, judgment.ProbabilityA, judgment.Reasoning, judgment.Completion, behavior)).ToList();
        var correct = judgments.Where(j => j.Correct).ToList();
        int? kept = correct.Count == 0
            ? null
            : correct[SeedDerivation.Random(iterationSeed, instructionId, "keep").Next(correct.Count)].Sample;
        return new(judgments, kept);
    }

    /// <summary>Even samples put y_w first, odd ones second: half in each position (A gets the extra one when N is odd).</summary>
    public static PairPosition ChosenPosition(int sample) => sample % 2 == 0 ? PairPosition.A : PairPosition.B;
}
