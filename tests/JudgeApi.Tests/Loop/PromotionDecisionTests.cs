using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.Loop;

public sealed class PromotionDecisionTests
{
    private static EvaluationReport Report(string? activeId, double baseAccuracy, double? activeAccuracy, double candidateAccuracy, int pairs = 10) =>
        new(activeId, "direct", new EvaluationSetResult(pairs, Score(baseAccuracy, pairs), activeAccuracy is { } a ? Score(a, pairs) : null,
            Score(candidateAccuracy, pairs)), null);

    private static AccuracyScore Score(double accuracy, int pairs) => AccuracyScore.Of((int)Math.Round(accuracy * 2 * pairs), 2 * pairs);

    [Fact]
    public void Without_an_active_adapter_the_candidate_is_compared_with_the_base_model()
    {
        Assert.True(PromotionStage.Decide("iteration-1", Report(null, 0.5, null, 0.5), margin: 0).Promoted);
        var worse = PromotionStage.Decide("iteration-1", Report(null, 0.6, null, 0.5), margin: 0);
        Assert.False(worse.Promoted);
        Assert.Contains("the base model", worse.Reason);
    }

    [Fact]
    public void With_an_active_adapter_the_candidate_must_beat_it_by_the_margin()
    {
        // The base model scores higher here, but the active adapter is what serves, so it is the bar.
        var decision = PromotionStage.Decide("iteration-2", Report("iteration-1", 0.9, 0.6, 0.7), margin: 0.05);
        Assert.True(decision.Promoted);
        Assert.Equal("iteration-1", decision.PreviousAdapterId);
        Assert.False(PromotionStage.Decide("iteration-2", Report("iteration-1", 0.9, 0.6, 0.7), margin: 0.15).Promoted);
    }

    [Fact]
    public void An_empty_held_out_set_promotes_nothing_and_says_why()
    {
        var decision = PromotionStage.Decide("iteration-1", Report(null, 0, null, 0, pairs: 0), margin: -1);
        Assert.False(decision.Promoted);
        Assert.Contains("no pairs", decision.Reason);
    }
}
