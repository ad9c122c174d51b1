namespace JudgeApi.Llama.Tests;

/// <summary>The llama-bpe vocabulary (128k tokens) of the llama.cpp source bundle, loaded once for the class.</summary>
public sealed class LlamaBpeVocabFixture : IDisposable
{
    public LlamaModel Model { get; } = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), new ModelOptions { VocabOnly = true });

    public void Dispose() => Model.Dispose();
}

public class VocabTests(LlamaBpeVocabFixture fixture) : IClassFixture<LlamaBpeVocabFixture>
{
    private static readonly ModelOptions VocabOnly = new() { VocabOnly = true };
    private LlamaModel Model => fixture.Model;

    [Theory]
    [InlineData("llama-bpe")]
    [InlineData("llama-spm")]
    [InlineData("gpt-2")]
    public void Tokenize_round_trips_ascii_and_non_ascii_text(string vocab)
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab(vocab), VocabOnly);
        const string text = "Judge the answer: naïve café, 東京, emoji 🎉 and ünïcödé.";

        var tokens = model.Tokenize(text, addSpecial: false);

        Assert.NotEmpty(tokens);
        Assert.All(tokens, t => Assert.InRange(t, 0, model.VocabSize - 1));
        Assert.Equal(text, model.Detokenize(tokens).TrimStart(' '));
    }

    [Fact]
    public void Tokenize_and_detokenize_long_text()
    {
        var text = string.Concat(Enumerable.Repeat("héllo wörld 123 ", 500));

        var tokens = Model.Tokenize(text, addSpecial: false);

        Assert.True(tokens.Length > 1000);
        Assert.Equal(text, Model.Detokenize(tokens));
    }

    [Fact]
    public void AddSpecial_prepends_bos_and_pieces_concatenate_to_the_text()
    {
        var tokens = Model.Tokenize("Hello world", addSpecial: true);

        Assert.Equal(Model.BosToken, tokens[0]);
        Assert.Equal("Hello world", string.Concat(tokens.Skip(1).Select(t => Model.TokenToPiece(t))));
        Assert.Equal("<|begin_of_text|>", Model.TokenToPiece(Model.BosToken, special: true));
        Assert.Equal("", Model.TokenToPiece(Model.BosToken, special: false));
    }

    [Fact]
    public void ParseSpecial_turns_control_text_into_one_token()
    {
        var parsed = Model.Tokenize("<|begin_of_text|>", addSpecial: false, parseSpecial: true);
        var literal = Model.Tokenize("<|begin_of_text|>", addSpecial: false, parseSpecial: false);

        Assert.Equal([Model.BosToken], parsed);
        Assert.True(literal.Length > 1);
    }

    [Fact]
    public void Eos_is_end_of_generation_and_ordinary_tokens_are_not()
    {
        Assert.True(Model.IsEndOfGeneration(Model.EosToken));
        Assert.False(Model.IsEndOfGeneration(Model.Tokenize("hello", addSpecial: false)[0]));
    }

    [Fact]
    public void Tokenizing_from_several_threads_gives_the_same_tokens()
    {
        var text = "Concurrent requests tokenize the same model: ünïcödé 東京 🎉";
        var expected = Model.Tokenize(text, addSpecial: true);

        var results = new int[8][];
        Parallel.For(0, results.Length, i =>
        {
            for (var n = 0; n < 50; n++)
                results[i] = Model.Tokenize(text, addSpecial: true);
        });

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Metadata_and_architecture_come_from_the_file()
    {
        Assert.Equal("llama", Model.Architecture);
        Assert.Equal("llama", Model.Metadata["general.architecture"]);
        Assert.Equal(128256, Model.VocabSize);
        Assert.True(Model.IsVocabOnly);
    }

    [Fact]
    public void Out_of_range_tokens_are_rejected_before_native_code()
    {
        Assert.Throws<LlamaArgumentException>(() => Model.TokenToPiece(Model.VocabSize));
        Assert.Throws<LlamaArgumentException>(() => Model.TokenToPiece(-1));
        Assert.Throws<LlamaArgumentException>(() => Model.Detokenize([1, Model.VocabSize + 5]));
        Assert.Throws<LlamaArgumentException>(() => Model.IsEndOfGeneration(int.MaxValue));
    }

    [Fact]
    public void A_vocab_only_model_cannot_make_a_context()
    {
        var e = Assert.Throws<LlamaContextException>(() => new LlamaContext(Model, new ContextOptions()));
        Assert.Contains("VocabOnly", e.Message);
    }

    [Fact]
    public void Using_a_disposed_model_throws_instead_of_crashing()
    {
        var model = LlamaModel.Load(RepoPaths.Vocab("gpt-2"), VocabOnly);
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Tokenize("hi", addSpecial: false));
    }
}
