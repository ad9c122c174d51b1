using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// Where a verdict's label is read: the tokens from the end of the prompt to the label (<see cref="Lead"/>) and the
/// label tokens, as the assistant text tokenizes after the prompt: A and B, and the tie label C when the prompt offers
/// it. Found by tokenizing the text followed by each label: the common part is the lead, the first difference the labels.
/// </summary>
internal sealed record VerdictTokens(int[] Lead, int LabelA, int LabelB, int? LabelTie = null)
{
    /// <param name="assistantText">The judge's turn up to the label (ending in "[[").</param>
    /// <param name="withTie">The prompt offers the tie label, whose token is read too.</param>
    public static VerdictTokens After(ChatPrompt prompt, string assistantText, bool withTie = false)
    {
        string[] labels = withTie ? [JudgePrompt.LabelA, JudgePrompt.LabelB, JudgePrompt.LabelTie] : [JudgePrompt.LabelA, JudgePrompt.LabelB];
        var tokenized = labels.Select(label => prompt.Continue(assistantText + label)).ToArray();
        var common = tokenized.Skip(1).Min(t => tokenized[0].AsSpan().CommonPrefixLength(t));
        if (tokenized.Any(t => common >= t.Length) || tokenized.Select(t => t[common]).Distinct().Count() != labels.Length)
            throw new InvalidOperationException(
                $"The model's vocabulary cannot tell the verdict labels {string.Join(", ", labels)} apart after '{assistantText}'.");
        return new VerdictTokens(tokenized[0][..common], tokenized[0][common], tokenized[1][common], withTie ? tokenized[2][common] : null);
    }

    /// <summary>
    /// The labels' probabilities from their logits (softmax restricted to the labels): A and B only, or A, B and the
    /// tie when the prompt offers it.
    /// </summary>
    public VerdictProbabilities Probabilities(ReadOnlySpan<float> logits)
    {
        if (LabelTie is not { } tie)
        {
            var a = 1.0 / (1.0 + Math.Exp(logits[LabelB] - logits[LabelA]));
            return new VerdictProbabilities(a, 1 - a, null);
        }
        double la = logits[LabelA], lb = logits[LabelB], lt = logits[tie];
        var max = Math.Max(la, Math.Max(lb, lt));
        double ea = Math.Exp(la - max), eb = Math.Exp(lb - max), et = Math.Exp(lt - max);
        var sum = ea + eb + et;
        return new VerdictProbabilities(ea / sum, eb / sum, et / sum);
    }
}

/// <summary>P(A), P(B) and (with ties allowed) P(tie) of one judgment; they sum to one.</summary>
internal readonly record struct VerdictProbabilities(double A, double B, double? Tie)
{
    /// <summary>The most likely label: A when P(A) is at least P(B); a tie only when it is strictly the most likely.</summary>
    public string Label => Tie is { } tie
        ? tie > Math.Max(A, B) ? JudgePrompt.LabelTie : A >= B ? JudgePrompt.LabelA : JudgePrompt.LabelB
        : A >= 0.5 ? JudgePrompt.LabelA : JudgePrompt.LabelB;
}
