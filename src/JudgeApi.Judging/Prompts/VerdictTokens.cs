using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// The tokens that force a verdict and the two label tokens that follow them, for one model's vocabulary.
/// Found by tokenizing lead + "A" and lead + "B": the common prefix is the lead, the first difference the label.
/// </summary>
internal sealed record VerdictTokens(int[] Lead, int LabelA, int LabelB)
{
    public static VerdictTokens For(LlamaModel model, string lead)
    {
        var a = model.Tokenize(lead + JudgePrompt.LabelA, addSpecial: false);
        var b = model.Tokenize(lead + JudgePrompt.LabelB, addSpecial: false);
        var common = 0;
        while (common < a.Length && common < b.Length && a[common] == b[common])
            common++;
        if (common >= a.Length || common >= b.Length)
            throw new InvalidOperationException($"The model's vocabulary cannot tell the verdict labels apart after '{lead}'.");
        return new VerdictTokens(a[..common], a[common], b[common]);
    }

    /// <summary>P(label A) from the two labels' logits (softmax restricted to the labels).</summary>
    public double ProbabilityA(ReadOnlySpan<float> logits) => 1.0 / (1.0 + Math.Exp(logits[LabelB] - logits[LabelA]));
}
