using JudgeApi.Judging;
using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;

namespace JudgeApi.Tests.Service;

/// <summary>Where a judgment's reasoning stops and what it reads, without a model: the verdict marker is rare in random text.</summary>
public sealed class JudgmentProgramTests
{
    private static readonly VerdictTokens Verdict = new([90, 91], LabelA: 5, LabelB: 6);

    /// <param name="stopsAfter">Tokens generated when the marker is found: as soon as its last character is.</param>
    [Theory]
    [InlineData(new[] { "It is ", "better", " [[", "A]]" }, 3, 2)]
    [InlineData(new[] { "It is ", "better [", "[A" }, 3, 1)]
    [InlineData(new[] { "[[" }, 1, 0)]
    public void Reasoning_stops_at_the_verdict_marker_keeping_the_tokens_before_the_one_it_starts_in(string[] pieces, int stopsAfter, int keep)
    {
        var program = new JudgmentProgram(Verdict);
        var generation = new Generation();
        int? stop = null;
        for (var i = 0; i < pieces.Length && stop is null; i++)
        {
            generation.Add(100 + i, pieces[i]);
            stop = program.StopAfter(generation);
        }
        Assert.Equal((stopsAfter, keep), (generation.Count, stop));
    }

    [Fact]
    public void Text_without_the_marker_goes_on()
    {
        var program = new JudgmentProgram(Verdict);
        var generation = new Generation();
        generation.Add(1, "A [single");
        Assert.Null(program.StopAfter(generation));
        generation.Add(2, "] bracket [");
        Assert.Null(program.StopAfter(generation));
    }

    [Fact]
    public void The_verdict_is_the_label_with_the_larger_logit_and_the_reasoning_is_trimmed()
    {
        var program = new JudgmentProgram(Verdict);
        Assert.Equal([90, 91], program.ForcedInput);
        var logits = new float[8];
        logits[Verdict.LabelB] = 2;
        program.ReadLogits(logits);

        var result = program.Result(new SequenceResult("  Because.\n", 4, GenerationStopReason.MaxTokens), promptTokens: 30);

        Assert.Equal(new JudgeOnceResult("Because.", JudgePrompt.LabelB, 1 / (1 + Math.Exp(2)), 4, true, 30), result);
    }
}
