using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// One judgment as the scheduler runs it. With reasoning, generation stops where the verdict opens: the model's own
/// "[[" and what follows are dropped and the verdict lead is forced instead, so the next token is always a label, and
/// the two labels' logits after it give P(A). In direct mode the job has no sampler: the prompt already ends with the
/// lead and the logits after it are read.
/// </summary>
/// <param name="verdict">The lead and labels of this mode (their tokens differ with what precedes the lead).</param>
internal sealed class JudgmentProgram(VerdictTokens verdict) : ISequenceProgram
{
    private const string Marker = JudgePrompt.VerdictOpen;

    private double? _probabilityA;

    public int[] ForcedInput => verdict.Lead;

    public int? StopAfter(Generation generation)
    {
        // Only the text the last token could have completed the marker in.
        var from = Math.Max(0, generation.TextStart(generation.Count - 1) - Marker.Length + 1);
        var found = generation.TextFrom(from).IndexOf(Marker, StringComparison.Ordinal);
        // Keep the tokens that end before the marker; the forced lead writes the verdict.
        return found < 0 ? null : generation.TokenAt(from + found);
    }

    public void ReadLogits(ReadOnlySpan<float> logits) => _probabilityA = verdict.ProbabilityA(logits);

    /// <summary>The judgment, from the scheduler's result for this program's job.</summary>
    public JudgeOnceResult Result(SequenceResult generated, int promptTokens)
    {
        var p = _probabilityA ?? throw new InvalidOperationException("The judgment ended without reading the verdict's logits.");
        if (!double.IsFinite(p))
            throw new JudgeOutputException($"The model's verdict scores are not finite (P(A) is {p}): the weights it judges with produce NaN or infinite logits.");
        return new JudgeOnceResult(generated.Text.Trim(), p >= 0.5 ? JudgePrompt.LabelA : JudgePrompt.LabelB, p,
            generated.GeneratedTokens, generated.StopReason == GenerationStopReason.MaxTokens, promptTokens);
    }
}
