using JudgeApi.Judging;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>An annotation's verdict is drawn from the labels' probabilities at the annotation temperature, not read as the more likely label.</summary>
public sealed class SampledVerdictTests
{
    private static JudgeOnceResult Result(double probabilityA, double? tie = null) =>
        new("reasoning", probabilityA >= 0.5 ? JudgePrompt.LabelA : JudgePrompt.LabelB, probabilityA, 4, false, 100, JudgePrompt.VerdictLead, ProbabilityTie: tie);

    [Theory]
    [InlineData(0.7, 1.0, 0.7)]
    [InlineData(0.7, 0.5, 0.49 / (0.49 + 0.09))] // p^(1/T) renormalised: sharper below 1
    [InlineData(0.2, 2.0, 0.4472 / (0.4472 + 0.8944))] // flatter above 1
    public void Labels_follow_the_tempered_probabilities(double probabilityA, float temperature, double expectedA)
    {
        const int draws = 20_000;
        var a = Enumerable.Range(0, draws).Count(seed => JudgeEngineIterationModel.SampledLabel(Result(probabilityA), temperature, (uint)seed) == JudgePrompt.LabelA);
        // Binomial standard deviation at 20k draws is at most 0.0036; five of them.
        Assert.InRange(a / (double)draws, expectedA - 0.018, expectedA + 0.018);
    }

    [Fact]
    public void The_same_seed_draws_the_same_label_and_temperature_zero_reads_the_more_likely_one()
    {
        var result = Result(0.55);
        Assert.All(Enumerable.Range(0, 50), seed => Assert.Equal(
            JudgeEngineIterationModel.SampledLabel(result, 0.8f, (uint)seed), JudgeEngineIterationModel.SampledLabel(result, 0.8f, (uint)seed)));
        Assert.All(Enumerable.Range(0, 50), seed => Assert.Equal(JudgePrompt.LabelA, JudgeEngineIterationModel.SampledLabel(result, 0f, (uint)seed)));
        Assert.All(Enumerable.Range(0, 50), seed => Assert.Equal(JudgePrompt.LabelB, JudgeEngineIterationModel.SampledLabel(Result(0.0), 1f, (uint)seed)));
    }

    [Fact]
    public void A_tie_is_drawn_at_its_probability_when_offered()
    {
        const int draws = 20_000;
        var labels = Enumerable.Range(0, draws).Select(seed => JudgeEngineIterationModel.SampledLabel(Result(0.3, tie: 0.5), 1f, (uint)seed)).ToList();
        Assert.InRange(labels.Count(l => l == JudgePrompt.LabelTie) / (double)draws, 0.48, 0.52);
        Assert.InRange(labels.Count(l => l == JudgePrompt.LabelB) / (double)draws, 0.18, 0.22);
    }
}
