using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.Loop;

public sealed class PromotionDecisionTests
{
    private static readonly PromotionOptions MarginOnly = new() { SignificanceLevel = 1 };
    private static readonly PromotionOptions Default = new();

    private static EvaluationReport Report(string? activeId, double baseAccuracy, double? activeAccuracy, double candidateAccuracy, int pairs = 10) =>
        new(activeId, "direct", new EvaluationSetResult(pairs, Score(baseAccuracy, pairs), activeAccuracy is { } a ? Score(a, pairs) : null,
            Score(candidateAccuracy, pairs)), null);

    /// <summary>A score whose per-pair outcomes add up to the accuracy: the first pairs get both orders right, then one, then none.</summary>
    private static AccuracyScore Score(double accuracy, int pairs)
    {
        var correct = (int)Math.Round(accuracy * 2 * pairs);
        return AccuracyScore.Of(correct, 2 * pairs) with { Outcomes = Outcomes(correct, pairs) };
    }

    private static string Outcomes(int correct, int pairs) =>
        new string('2', correct / 2) + (correct % 2 == 1 ? "1" : "") + new string('0', pairs - correct / 2 - correct % 2);

    /// <summary>Held-out outcomes given directly: base and candidate strings of '0', '1', '2'.</summary>
    private static EvaluationReport Paired(string baseOutcomes, string candidateOutcomes) =>
        new(null, "direct", new EvaluationSetResult(baseOutcomes.Length, FromOutcomes(baseOutcomes), null, FromOutcomes(candidateOutcomes)), null);

    private static AccuracyScore FromOutcomes(string outcomes) =>
        AccuracyScore.Of(outcomes.Sum(c => c - '0'), 2 * outcomes.Length) with { Outcomes = outcomes };

    [Fact]
    public void Without_an_active_adapter_the_candidate_is_compared_with_the_base_model()
    {
        Assert.True(PromotionStage.Decide("iteration-1", Report(null, 0.5, null, 0.5), MarginOnly).Promoted);
        var worse = PromotionStage.Decide("iteration-1", Report(null, 0.6, null, 0.5), MarginOnly);
        Assert.False(worse.Promoted);
        Assert.Contains("the base model", worse.Reason);
    }

    [Fact]
    public void With_an_active_adapter_the_candidate_must_beat_it_by_the_margin()
    {
        // The base model scores higher here, but the active adapter is what serves, so it is the bar.
        var decision = PromotionStage.Decide("iteration-2", Report("iteration-1", 0.9, 0.6, 0.7), new PromotionOptions { Margin = 0.05, SignificanceLevel = 1 });
        Assert.True(decision.Promoted);
        Assert.Equal("iteration-1", decision.PreviousAdapterId);
        Assert.False(PromotionStage.Decide("iteration-2", Report("iteration-1", 0.9, 0.6, 0.7), new PromotionOptions { Margin = 0.15, SignificanceLevel = 1 }).Promoted);
    }

    [Fact]
    public void An_empty_held_out_set_promotes_nothing_and_says_why()
    {
        var decision = PromotionStage.Decide("iteration-1", Report(null, 0, null, 0, pairs: 0), new PromotionOptions { Margin = -1 });
        Assert.False(decision.Promoted);
        Assert.Contains("no pairs", decision.Reason);
    }

    [Fact]
    public void A_tie_does_not_go_live_by_default()
    {
        // The old rule promoted 0.525 >= 0.525: an adapter that changes nothing went live.
        var decision = PromotionStage.Decide("iteration-1", Report(null, 0.525, null, 0.525, pairs: 40), Default);

        Assert.False(decision.Promoted);
        Assert.Equal(0, decision.Test!.Better);
        Assert.Equal(1.0, decision.Test.PValue);
        Assert.Contains("Not significantly better", decision.Reason);
    }

    [Fact]
    public void A_small_gain_the_test_cannot_tell_from_noise_does_not_go_live()
    {
        // Two pairs better, none worse: p = 1/4.
        var decision = PromotionStage.Decide("iteration-1", Paired("0011112222", "1111112222"), Default);

        Assert.False(decision.Promoted);
        Assert.Equal((2, 0, 10), (decision.Test!.Better, decision.Test.Worse, decision.Test.Pairs));
        Assert.Equal(0.25, decision.Test.PValue, tolerance: 1e-12);
    }

    [Fact]
    public void A_significant_gain_goes_live_with_its_counts_and_p_value()
    {
        // 12 pairs better, 2 worse, 26 the same: p = P(X >= 12 | n = 14) = (91 + 14 + 1) / 16384.
        var baseline = new string('1', 12) + "22" + new string('0', 26);
        var candidate = new string('2', 12) + "11" + new string('0', 26);

        var decision = PromotionStage.Decide("iteration-1", Paired(baseline, candidate), Default);

        Assert.True(decision.Promoted);
        Assert.Equal(PairedTest.McNemarExact, decision.Test!.Name);
        Assert.Equal((12, 2, 40), (decision.Test.Better, decision.Test.Worse, decision.Test.Pairs));
        Assert.Equal(106.0 / 16384, decision.Test.PValue, tolerance: 1e-12);
        Assert.Contains("p = 0.0065", decision.Reason);
        Assert.False(decision.Overridden);
    }

    [Fact]
    public void Skipped_pairs_are_left_out_of_the_pairing()
    {
        var test = PairedTest.Compare("2-20", "0002");

        Assert.Equal((3, 2, 1), (test.Pairs, test.Better, test.Worse));
    }

    [Fact]
    public void The_operator_override_promotes_and_says_the_gate_would_not_have()
    {
        var always = PromotionStage.Decide("iteration-1", Report(null, 0.6, null, 0.5), Default, PromotionMode.Always);
        var never = PromotionStage.Decide("iteration-1", Paired(new string('0', 20), new string('2', 20)), Default, PromotionMode.Never);

        Assert.True(always.Promoted);
        Assert.True(always.Overridden);
        Assert.Contains("would not have promoted", always.Reason);
        Assert.False(never.Promoted);
        Assert.True(never.Test!.PValue < 1e-5);
    }

    [Theory]
    [InlineData(10, 8, 56.0 / 1024)]
    [InlineData(10, 0, 1.0)]
    [InlineData(0, 0, 1.0)]
    [InlineData(5, 6, 0.0)]
    [InlineData(1, 1, 0.5)]
    public void The_binomial_tail_is_exact(int n, int k, double expected) =>
        Assert.Equal(expected, PairedTest.UpperTail(n, k), tolerance: 1e-12);

    [Fact]
    public void The_binomial_tail_does_not_underflow_on_large_sets()
    {
        // 2^-2000 underflows a double; the tail at the mean is still about one half.
        var p = PairedTest.UpperTail(2000, 1000);

        Assert.InRange(p, 0.5, 0.52);
    }
}
