using JudgeApi.Judging;
using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;

namespace JudgeApi.Tests.Fidelity;

/// <summary>The tie label's token and probability, read from the logits beside A's and B's.</summary>
public sealed class TieVerdictTests
{
    private static readonly VerdictTokens WithTie = new([90, 91], LabelA: 5, LabelB: 6, LabelTie: 7);

    public static TheoryData<string> Vocabularies() => new(Directory.GetFiles(Path.GetDirectoryName(RepoPaths.Vocab("gpt-2"))!, "ggml-vocab-*.gguf")
        .Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void Every_bundled_vocabulary_has_three_distinct_label_tokens_after_the_same_lead(string vocabulary)
    {
        using var model = LlamaModel.Load(Path.Combine(Path.GetDirectoryName(RepoPaths.Vocab("gpt-2"))!, vocabulary), new ModelOptions { VocabOnly = true });
        // One template for all: what matters here is how the verdict text tokenizes after a prompt, not the template.
        var prompt = new PromptTokenizer(new ChatTokenizer(model, ChatTemplate.For(model, "chatml"))).Judge(new JudgedTexts("Q", "One.", "Two.", AllowTie: true));

        foreach (var text in new[] { JudgePrompt.VerdictLead, JudgePrompt.VerdictText("It is a tie."), "Both are fine. **Final verdict:** [[" })
        {
            var (plain, tie) = (VerdictTokens.After(prompt, text), VerdictTokens.After(prompt, text, withTie: true));
            Assert.Equal(plain.Lead, tie.Lead);
            Assert.Equal((plain.LabelA, plain.LabelB), (tie.LabelA, tie.LabelB));
            Assert.Null(plain.LabelTie);
            Assert.NotNull(tie.LabelTie);
            Assert.Equal(3, new[] { tie.LabelA, tie.LabelB, tie.LabelTie!.Value }.Distinct().Count());
        }
    }

    [Fact]
    public void Without_the_tie_label_probabilities_are_the_two_label_softmax_as_before()
    {
        var plain = WithTie with { LabelTie = null };
        var logits = new float[8];
        logits[5] = 0.25f;
        logits[6] = 1.75f;

        var p = plain.Probabilities(logits);

        Assert.Equal(1.0 / (1.0 + Math.Exp(logits[6] - logits[5])), p.A);
        Assert.Equal(1 - p.A, p.B);
        Assert.Null(p.Tie);
        Assert.Equal(JudgePrompt.LabelB, p.Label);
    }

    [Fact]
    public void With_the_tie_label_the_softmax_spans_three_labels_and_a_tie_wins_only_when_it_is_the_most_likely()
    {
        var logits = new float[8];
        logits[5] = 1;
        logits[6] = 2;
        logits[7] = 3;

        var p = WithTie.Probabilities(logits);

        var sum = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(Math.Exp(1) / sum, p.A, 12);
        Assert.Equal(Math.Exp(2) / sum, p.B, 12);
        Assert.Equal(Math.Exp(3) / sum, p.Tie!.Value, 12);
        Assert.Equal(JudgePrompt.LabelTie, p.Label);
        logits[7] = 2;
        Assert.Equal(JudgePrompt.LabelB, WithTie.Probabilities(logits).Label);
    }

    [Fact]
    public void A_judgment_with_ties_reports_the_tie_verdict_and_its_probability()
    {
        var program = JudgmentProgram.Direct(WithTie);
        var logits = new float[8];
        logits[7] = 4;
        program.ReadLogits(logits);

        var result = program.Result(new SequenceResult("Both are right.", 3, GenerationStopReason.EndOfGeneration), promptTokens: 40);

        Assert.Equal(JudgePrompt.LabelTie, result.Verdict);
        var expectedTie = Math.Exp(4) / (Math.Exp(4) + 2);
        Assert.Equal(expectedTie, result.ProbabilityTie!.Value, 12);
        Assert.Equal((1 - expectedTie) / 2, result.ProbabilityA, 12);
        Assert.Equal(result.ProbabilityA, result.ProbabilityB, 12);
    }
}
