using JudgeApi.Llama.Gguf;

namespace JudgeApi.Llama.Tests;

[Collection(TinyModelCollection.Name)]
public class SamplingTests(TinyModelFixture fixture)
{
    private LlamaModel Model => fixture.Model;
    private int[] Prompt => Model.Tokenize("Which response is better? Answer:", addSpecial: true);

    private LlamaGeneration Generate(SamplingOptions options, int maxTokens)
    {
        using var context = fixture.NewContext();
        using var sampler = new LlamaSampler(Model, options);
        return context.Generate(Prompt, sampler, maxTokens);
    }

    [Fact]
    public void Seeded_sampling_is_reproducible_and_the_seed_matters()
    {
        var options = new SamplingOptions { Temperature = 1.5f, Seed = 7 };

        var first = Generate(options, 12);
        var again = Generate(options, 12);
        var otherSeed = Generate(options with { Seed = 8 }, 12);

        Assert.Equal(first.Tokens, again.Tokens);
        Assert.Equal(first.Text, again.Text);
        Assert.NotEqual(first.Tokens, otherSeed.Tokens);
    }

    [Fact]
    public void Greedy_generation_stops_at_the_token_cap_and_picks_the_argmax()
    {
        var generation = Generate(new SamplingOptions(), 6);

        Assert.Equal(GenerationStopReason.MaxTokens, generation.StopReason);
        Assert.Equal(6, generation.Tokens.Length);
        Assert.Equal(Model.Detokenize(generation.Tokens), generation.Text);

        using var context = fixture.NewContext();
        var logits = TinyModelFixture.DecodeLast(context, Prompt);
        Assert.Equal(Array.IndexOf(logits, logits.Max()), generation.Tokens[0]);
    }

    [Fact]
    public void Grammar_constrains_the_output_and_generation_stops_at_end_of_generation()
    {
        var generation = Generate(new SamplingOptions { Grammar = """root ::= "Verdict: " ("A" | "B")""" }, 50);

        Assert.Equal(GenerationStopReason.EndOfGeneration, generation.StopReason);
        Assert.Matches("^Verdict: [AB]$", generation.Text);
    }

    /// <summary>
    /// NaN logits leave the grammar no token with a finite score; llama.cpp would then accept a token the grammar
    /// refused and abort the process. The sampler refuses instead.
    /// </summary>
    [Fact]
    public void A_grammar_left_no_finite_choice_is_an_error_not_an_abort()
    {
        var poisoned = Path.Combine(TestModels.NewDirectory(), "nan-norm.gguf");
        File.Copy(fixture.Path, poisoned);
        using (var file = GgufFile.Open(poisoned))
        using (var stream = new FileStream(poisoned, FileMode.Open, FileAccess.Write))
        {
            stream.Position = file.DataOffset + file.FindTensor("output_norm.weight")!.Offset;
            stream.Write(BitConverter.GetBytes(float.NaN));
        }
        using var model = LlamaModel.Load(poisoned);
        using var context = new LlamaContext(model, new ContextOptions { ContextSize = 256, Threads = 1 });
        using var sampler = new LlamaSampler(model, new SamplingOptions { Grammar = """root ::= "A" | "B" """ });

        var error = Assert.Throws<LlamaGrammarException>(() => context.Generate(Prompt, sampler, 4));

        Assert.Contains("finite", error.Message);
    }

    [Fact]
    public void Top_k_one_is_greedy_whatever_the_temperature()
    {
        var greedy = Generate(new SamplingOptions(), 5);
        var topOne = Generate(new SamplingOptions { Temperature = 2, TopK = 1, TopP = 0.9f, MinP = 0.01f, Seed = 3 }, 5);

        Assert.Equal(greedy.Tokens, topOne.Tokens);
    }

    [Fact]
    public void Invalid_grammar_is_a_grammar_error()
    {
        var e = Assert.Throws<LlamaGrammarException>(() => new LlamaSampler(Model, new SamplingOptions { Grammar = "root ::= (\"unclosed\"" }));
        Assert.Contains("GBNF", e.Message);
        Assert.Throws<LlamaGrammarException>(() => new LlamaSampler(Model, new SamplingOptions { Grammar = "verdict ::= \"A\"" }));
    }

    [Fact]
    public void Accepting_a_token_the_grammar_forbids_is_an_error_not_an_abort()
    {
        using var sampler = new LlamaSampler(Model, new SamplingOptions { Grammar = "root ::= \"yes\"" });
        var forbidden = Model.Tokenize("no", addSpecial: false)[0];
        var allowed = Model.Tokenize("yes", addSpecial: false)[0];

        Assert.Throws<LlamaGrammarException>(() => sampler.Accept(forbidden));
        Assert.Throws<LlamaGrammarException>(() => sampler.Accept(Model.EosToken));
        sampler.Accept(allowed);
        Assert.Throws<LlamaArgumentException>(() => sampler.Accept(Model.VocabSize));
    }

    [Fact]
    public void Reset_restarts_the_grammar()
    {
        using var sampler = new LlamaSampler(Model, new SamplingOptions { Grammar = "root ::= \"yes\"" });
        var yes = Model.Tokenize("yes", addSpecial: false);
        Assert.Single(yes);
        sampler.Accept(yes[0]);
        Assert.Throws<LlamaGrammarException>(() => sampler.Accept(yes[0]));

        sampler.Reset();

        sampler.Accept(yes[0]);
    }

    [Fact]
    public void Sampling_options_are_validated()
    {
        Assert.Throws<LlamaArgumentException>(() => new LlamaSampler(Model, new SamplingOptions { Temperature = -1 }));
        Assert.Throws<LlamaArgumentException>(() => new LlamaSampler(Model, new SamplingOptions { TopP = 0 }));
        Assert.Throws<LlamaArgumentException>(() => new LlamaSampler(Model, new SamplingOptions { MinP = 1 }));
        Assert.Throws<LlamaArgumentException>(() => new LlamaSampler(Model, new SamplingOptions { TopK = -2 }));
    }

    /// <summary>
    /// Samplers that draw at once (on several threads) each draw what they draw alone, from the row they name, and a
    /// draw that cannot be made holds its error without touching the others.
    /// </summary>
    [Fact]
    public void Samplers_drawing_at_once_draw_what_each_draws_alone()
    {
        using var context = fixture.NewContext(sequences: 2);
        var first = Prompt;
        var second = Model.Tokenize("Which answer is wrong? Say it:", addSpecial: true);
        using var batch = new LlamaBatch(first.Length + second.Length);
        var rows = new int[2];
        for (var i = 0; i < first.Length; i++)
            rows[0] = batch.Add(first[i], i, 0, logits: i == first.Length - 1);
        for (var i = 0; i < second.Length; i++)
            rows[1] = batch.Add(second[i], i, 1, logits: i == second.Length - 1);
        context.Decode(batch);
        SamplingOptions Options(int i) => i % 3 == 2
            ? new SamplingOptions { Grammar = """root ::= "A" | "B" """, Temperature = 1, Seed = (uint)i }
            : new SamplingOptions { Temperature = 1.5f, TopP = 0.95f, MinP = 0.01f, Seed = (uint)i };
        const int Draws = 12;

        var alone = new int[Draws];
        for (var i = 0; i < Draws; i++)
        {
            using var sampler = new LlamaSampler(Model, Options(i));
            alone[i] = sampler.Sample(context, rows[i % 2]);
        }
        var samplers = Enumerable.Range(0, Draws + 1).Select(i => new LlamaSampler(Model, Options(i))).ToArray();
        try
        {
            // The last draw names a row without logits.
            var draws = samplers.Select((sampler, i) => (sampler, i < Draws ? rows[i % 2] : rows[1] + 1)).ToArray();
            var together = LlamaSampler.SampleEach(context, draws);

            Assert.Equal(alone, together[..Draws].Select(t => t.Token));
            Assert.All(together[..Draws], t => Assert.Null(t.Error));
            Assert.IsType<LlamaArgumentException>(together[Draws].Error);
            Assert.True(alone.Distinct().Count() > 3, "the draws should differ by seed and row, or the comparison shows nothing");
        }
        finally
        {
            foreach (var sampler in samplers)
                sampler.Dispose();
        }
    }

    [Fact]
    public void Sampling_an_index_without_logits_is_refused()
    {
        using var context = fixture.NewContext();
        using var sampler = new LlamaSampler(Model, new SamplingOptions());

        Assert.Throws<LlamaArgumentException>(() => sampler.Sample(context, 0));
    }

    [Fact]
    public void A_prompt_longer_than_the_context_reports_both_counts()
    {
        using var context = fixture.NewContext(contextSize: 256, batchSize: 64);
        using var sampler = new LlamaSampler(Model, new SamplingOptions());
        var prompt = Enumerable.Repeat(Prompt[1], 300).ToArray();

        var e = Assert.Throws<LlamaPromptTooLongException>(() => context.Generate(prompt, sampler, 4));

        Assert.Equal(300, e.Tokens);
        Assert.Equal(256, e.Limit);
        Assert.Equal(-1, context.MaxPosition(0));
    }

    [Fact]
    public void Generation_longer_than_one_batch_and_up_to_the_context_end_stops_as_context_full()
    {
        using var context = fixture.NewContext(contextSize: 256, batchSize: 64);
        using var sampler = new LlamaSampler(Model, new SamplingOptions { Temperature = 1, Seed = 1, Grammar = "root ::= [a-z]+" });
        var prompt = Enumerable.Repeat(Prompt[1], 250).ToArray();

        var generation = context.Generate(prompt, sampler, 100);

        Assert.Equal(GenerationStopReason.ContextFull, generation.StopReason);
        Assert.Equal(7, generation.Tokens.Length); // positions 250..255 decoded, a 7th token sampled from the last
        Assert.Equal(255, context.MaxPosition(0));
    }

    [Fact]
    public void Generation_is_cancellable()
    {
        using var context = fixture.NewContext();
        using var sampler = new LlamaSampler(Model, new SamplingOptions());
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => context.Generate(Prompt, sampler, 4, cancellationToken: cts.Token));
    }
}
