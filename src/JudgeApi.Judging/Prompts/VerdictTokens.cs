using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// The tokens that force a verdict and the label tokens that follow them, for one model's vocabulary: A and B, and
/// the tie label C when the prompt offers it. Found by tokenizing lead + each label: the common prefix is the lead,
/// the first difference the label.
/// </summary>
internal sealed record VerdictTokens(int[] Lead, int LabelA, int LabelB, int? LabelTie = null)
{
    public static VerdictTokens For(LlamaModel model, string lead, bool withTie = false)
    {
        string[] labels = withTie ? [JudgePrompt.LabelA, JudgePrompt.LabelB, JudgePrompt.LabelTie] : [JudgePrompt.LabelA, JudgePrompt.LabelB];
        var tokenized = labels.Select(label => model.Tokenize(lead + label, addSpecial: false)).ToArray();
        var common = 0;
        while (tokenized.All(t => common < t.Length && t[common] == tokenized[0][common]))
            common++;
        var distinct = tokenized.All(t => common < t.Length) && tokenized.Select(t => t[common]).Distinct().Count() == labels.Length;
        if (!distinct)
            throw new InvalidOperationException($"The model's vocabulary cannot tell the verdict labels {string.Join(", ", labels)} apart after '{lead}'.");
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

/// <summary>
/// A model's verdict tokens for each way a judgment ends: after reasoning (the lead follows "\n\n") or directly after
/// the prompt, with or without the tie label.
/// </summary>
internal sealed record VerdictTokenSet(VerdictTokens Reasoning, VerdictTokens Direct, VerdictTokens ReasoningWithTie, VerdictTokens DirectWithTie)
{
    public static VerdictTokenSet For(LlamaModel model) => new(
        VerdictTokens.For(model, "\n\n" + JudgePrompt.VerdictLead),
        VerdictTokens.For(model, JudgePrompt.VerdictLead),
        VerdictTokens.For(model, "\n\n" + JudgePrompt.VerdictLead, withTie: true),
        VerdictTokens.For(model, JudgePrompt.VerdictLead, withTie: true));

    public VerdictTokens Pick(JudgeMode mode, bool allowTie) => (mode, allowTie) switch
    {
        (JudgeMode.Direct, false) => Direct,
        (JudgeMode.Direct, true) => DirectWithTie,
        (_, false) => Reasoning,
        (_, true) => ReasoningWithTie,
    };
}

/// <summary>P(A), P(B) and (with ties allowed) P(tie) of one judgment; they sum to one.</summary>
internal readonly record struct VerdictProbabilities(double A, double B, double? Tie)
{
    /// <summary>The most likely label: A when P(A) is at least P(B); a tie only when it is strictly the most likely.</summary>
    public string Label => Tie is { } tie
        ? tie > Math.Max(A, B) ? JudgePrompt.LabelTie : A >= B ? JudgePrompt.LabelA : JudgePrompt.LabelB
        : A >= 0.5 ? JudgePrompt.LabelA : JudgePrompt.LabelB;
}
