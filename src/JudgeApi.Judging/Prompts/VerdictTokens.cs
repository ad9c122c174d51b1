using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// Where a verdict's label is read: the tokens from the end of the prompt to the label (<see cref="Lead"/>) and the
/// two label tokens, as the assistant text tokenizes after the prompt. Found by tokenizing the text followed by "A" and
/// by "B": the common part is the lead, the first difference the labels.
/// </summary>
internal sealed record VerdictTokens(int[] Lead, int LabelA, int LabelB)
{
    /// <param name="assistantText">The judge's turn up to the label (ending in "[[").</param>
    public static VerdictTokens After(ChatPrompt prompt, string assistantText)
    {
        var a = prompt.Continue(assistantText + JudgePrompt.LabelA);
        var b = prompt.Continue(assistantText + JudgePrompt.LabelB);
        var common = a.AsSpan().CommonPrefixLength(b);
        if (common >= a.Length || common >= b.Length)
            throw new InvalidOperationException($"The model's vocabulary cannot tell the verdict labels apart after '{assistantText}'.");
        return new VerdictTokens(a[..common], a[common], b[common]);
    }

    /// <summary>P(label A) from the two labels' logits (softmax restricted to the labels).</summary>
    public double ProbabilityA(ReadOnlySpan<float> logits) => 1.0 / (1.0 + Math.Exp(logits[LabelB] - logits[LabelA]));
}
