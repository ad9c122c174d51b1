using JudgeApi.Judging;
using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;

namespace JudgeApi.Tests.Service;

/// <summary>The tiny model's vocabulary (gpt-2 and ChatML), loaded once for the class.</summary>
public sealed class TinyVocabFixture : IDisposable
{
    public LlamaModel Model { get; } = LlamaModel.Load(TestModels.Tiny(), new ModelOptions { VocabOnly = true });

    public ChatPrompt Prompt { get; }

    public TinyVocabFixture() =>
        Prompt = new PromptTokenizer(new ChatTokenizer(Model, ChatTemplate.For(Model))).Judge("Add 2 and 2.", "It is 4.", "It is 5.", null);

    public void Dispose() => Model.Dispose();
}

/// <summary>Where a judgment's reasoning stops, what stays of it and where the label is read, on real tokens but without decoding.</summary>
public sealed class JudgmentProgramTests(TinyVocabFixture vocab) : IClassFixture<TinyVocabFixture>
{
    private LlamaModel Model => vocab.Model;

    [Fact]
    public void Reasoning_stops_as_soon_as_the_model_opens_the_verdict()
    {
        var program = Reasoning();
        var generation = new Generation();
        string[] pieces = ["It is ", "better", " [", "[", "A]]"];
        var stoppedAfter = 0;
        foreach (var piece in pieces)
        {
            generation.Add(1, piece);
            if (program.StopAfter(generation) is { } keep)
            {
                stoppedAfter = keep;
                break;
            }
        }
        Assert.Equal(4, stoppedAfter);
    }

    [Fact]
    public void Its_own_verdict_line_is_read_where_it_opens_without_a_second_lead()
    {
        var written = "B computes 2 + 2 correctly; A does not.\n\nFinal verdict: [[";
        var (program, generation) = Generated(written);

        var (keep, input) = program.End(generation, generation.Count);

        // Only the last sampled token ("[[") is still to decode, for the logits after it.
        Assert.Equal(generation.Count - 1, keep);
        Assert.Equal([generation.Tokens[^1]], input);
        var result = Read(program, generation.Count);
        Assert.Equal("B computes 2 + 2 correctly; A does not.", result.Reasoning);
        Assert.Equal(written, result.VerdictText);
    }

    [Theory]
    [InlineData("A is right.\n\n**Final verdict:** [[", "A is right.")]
    [InlineData("A is right. Final Verdict: [[", "A is right.")]
    [InlineData("A is right.\n### Final verdict\n[[", "A is right.")]
    [InlineData("I pick [[", "I pick")]
    public void The_reasoning_is_cut_before_the_models_own_lead_in_any_form(string written, string reasoning)
    {
        var (program, generation) = Generated(written);
        program.End(generation, generation.Count);

        var result = Read(program, generation.Count);
        Assert.Equal(reasoning, result.Reasoning);
        Assert.Equal(written, result.VerdictText);
    }

    [Theory]
    [InlineData("B is wrong.\n\n**Final verdict:**")]
    [InlineData("B is wrong.\n\nFinal verdict")]
    [InlineData("B is wrong.\n\nFinal verd")]
    [InlineData("B is wrong.\nFinal verdict: [")]
    [InlineData("B is wrong.\n\nFinal verdict: A")]
    [InlineData("B is wrong.\n")]
    public void A_turn_that_ends_without_opening_the_verdict_gets_one_lead_after_its_reasoning(string written)
    {
        var (program, generation) = Generated(written);

        var (keep, input) = program.End(generation, generation.Count);

        var result = Read(program, generation.Count);
        Assert.Equal("B is wrong.", result.Reasoning);
        Assert.Equal("B is wrong.\n\nFinal verdict: [[", result.VerdictText);
        // What stays and what is decoded spell exactly that text, tokenized as training tokenizes it.
        Assert.Equal(vocab.Prompt.Continue(result.VerdictText), (int[])[.. generation.Tokens[..keep], .. input]);
    }

    [Fact]
    public void Generated_tokens_that_are_not_how_the_text_tokenizes_are_decoded_again()
    {
        // Sampled one character at a time: the same text, other tokens than the one-pass tokenization.
        var generation = new Generation();
        foreach (var c in "Fine.")
            Add(generation, Model.Tokenize(c.ToString(), addSpecial: false).Single());
        var program = Reasoning();

        var (keep, input) = program.End(generation, generation.Count);

        Assert.Equal(vocab.Prompt.Continue("Fine.\n\nFinal verdict: [["), (int[])[.. generation.Tokens[..keep], .. input]);
        Assert.True(keep < generation.Count);
    }

    [Fact]
    public void The_verdict_is_the_label_with_the_larger_logit()
    {
        var (program, generation) = Generated("Because.");
        program.End(generation, generation.Count);
        var labelA = vocab.Prompt.Continue("Because.\n\nFinal verdict: [[A")[^1];
        var labelB = vocab.Prompt.Continue("Because.\n\nFinal verdict: [[B")[^1];
        var logits = new float[Model.VocabSize];
        logits[labelA] = 1;
        logits[labelB] = 3;
        program.ReadLogits(logits);

        var result = program.Result(new SequenceResult("", generation.Count, GenerationStopReason.MaxTokens), promptTokens: 30);

        Assert.Equal(JudgePrompt.LabelB, result.Verdict);
        Assert.Equal(1 / (1 + Math.Exp(2)), result.ProbabilityA, 12);
        Assert.True(result.HitTokenLimit);
        Assert.Equal(generation.Count, result.ReasoningTokens);
    }

    [Fact]
    public void A_thinking_model_may_quote_the_verdict_in_its_thought_and_is_read_after_it()
    {
        var program = Thinking(thinkingTokens: 100);
        var generation = new Generation();
        int? stop = null;
        foreach (var token in vocab.Prompt.Continue("<think>\nThe format is [[A]] or [[B]]; B is right.\n</think>\n\nB is right.\n\nFinal verdict: [[B]]"))
        {
            Add(generation, token);
            if ((stop = program.StopAfter(generation)) is not null)
                break;
        }

        Assert.Equal(generation.Count, stop);
        Assert.EndsWith("[[", Model.PieceText(generation.Tokens));
        Assert.Contains("</think>", Model.PieceText(generation.Tokens));
        program.End(generation, generation.Count);
        var result = Read(program, generation.Count);
        Assert.Equal("B is right.", result.Reasoning);
        Assert.Equal("The format is [[A]] or [[B]]; B is right.", result.Thinking);
        Assert.Equal("<think>\nThe format is [[A]] or [[B]]; B is right.\n</think>\n\nB is right.\n\nFinal verdict: [[", result.VerdictText);
    }

    [Fact]
    public void A_thought_that_runs_out_of_budget_is_closed_before_the_lead()
    {
        var program = Thinking(thinkingTokens: 4);
        var (_, generation) = Generated("<think>\nLet me compare them carefully, one by one.");
        var stopped = 0;
        var partial = new Generation();
        foreach (var token in generation.Tokens.ToArray())
        {
            Add(partial, token);
            if (program.StopAfter(partial) is { } keep)
            {
                stopped = keep;
                break;
            }
        }

        Assert.Equal(4, stopped);
        var (kept, input) = program.End(partial, stopped);
        var result = Read(program, stopped);
        Assert.True(result.HitTokenLimit);
        Assert.Equal("", result.Reasoning);
        Assert.Equal(Model.PieceText(partial.Tokens).TrimEnd() + "\n</think>\n\nFinal verdict: [[", result.VerdictText);
        Assert.Equal(vocab.Prompt.Continue(result.VerdictText), (int[])[.. partial.Tokens[..kept], .. input]);
    }

    private JudgmentProgram Reasoning() => JudgmentProgram.Reasoning(Model, vocab.Prompt, thinkingTokens: 0, reasoningTokens: 512, room: 600);

    private JudgmentProgram Thinking(int thinkingTokens) =>
        JudgmentProgram.Reasoning(Model, vocab.Prompt, thinkingTokens, reasoningTokens: 512, room: 1200);

    /// <summary>A program whose model wrote <paramref name="text"/> with the tokens training would give it.</summary>
    private (JudgmentProgram, Generation) Generated(string text)
    {
        var generation = new Generation();
        foreach (var token in vocab.Prompt.Continue(text))
            Add(generation, token);
        return (Reasoning(), generation);
    }

    private void Add(Generation generation, int token) => generation.Add(token, Model.TokenToPiece(token));

    private JudgeOnceResult Read(JudgmentProgram program, int generated)
    {
        program.ReadLogits(new float[Model.VocabSize]);
        return program.Result(new SequenceResult("", generated, GenerationStopReason.EndOfGeneration), promptTokens: 1);
    }
}
