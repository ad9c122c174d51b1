namespace JudgeApi.Llama.Tests;

public class VocabTests
{
    private static readonly ModelOptions VocabOnly = new() { VocabOnly = true };

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
        using var model = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), VocabOnly);
        var text = string.Concat(Enumerable.Repeat("héllo wörld 123 ", 500));

        var tokens = model.Tokenize(text, addSpecial: false);

        Assert.True(tokens.Length > 1000);
        Assert.Equal(text, model.Detokenize(tokens));
    }

    [Fact]
    public void AddSpecial_prepends_bos_and_pieces_concatenate_to_the_text()
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), VocabOnly);

        var tokens = model.Tokenize("Hello world", addSpecial: true);

        Assert.Equal(model.BosToken, tokens[0]);
        Assert.Equal("Hello world", string.Concat(tokens.Skip(1).Select(t => model.TokenToPiece(t))));
        Assert.Equal("<|begin_of_text|>", model.TokenToPiece(model.BosToken, special: true));
        Assert.Equal("", model.TokenToPiece(model.BosToken, special: false));
    }

    [Fact]
    public void ParseSpecial_turns_control_text_into_one_token()
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), VocabOnly);

        var parsed = model.Tokenize("<|begin_of_text|>", addSpecial: false, parseSpecial: true);
        var literal = model.Tokenize("<|begin_of_text|>", addSpecial: false, parseSpecial: false);

        Assert.Equal([model.BosToken], parsed);
        Assert.True(literal.Length > 1);
    }

    [Fact]
    public void Eos_is_end_of_generation_and_ordinary_tokens_are_not()
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), VocabOnly);

        Assert.True(model.IsEndOfGeneration(model.EosToken));
        Assert.False(model.IsEndOfGeneration(model.Tokenize("hello", addSpecial: false)[0]));
    }

    [Fact]
    public void Metadata_and_architecture_come_from_the_file()
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), VocabOnly);

        Assert.Equal("llama", model.Architecture);
        Assert.Equal("llama", model.Metadata["general.architecture"]);
        Assert.Equal(128256, model.VocabSize);
        Assert.True(model.IsVocabOnly);
    }

    [Fact]
    public void Out_of_range_tokens_are_rejected_before_native_code()
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), VocabOnly);

        Assert.Throws<LlamaArgumentException>(() => model.TokenToPiece(model.VocabSize));
        Assert.Throws<LlamaArgumentException>(() => model.TokenToPiece(-1));
        Assert.Throws<LlamaArgumentException>(() => model.Detokenize([1, model.VocabSize + 5]));
        Assert.Throws<LlamaArgumentException>(() => model.IsEndOfGeneration(int.MaxValue));
    }

    [Fact]
    public void A_vocab_only_model_cannot_make_a_context()
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), VocabOnly);

        var e = Assert.Throws<LlamaContextException>(() => new LlamaContext(model, new ContextOptions()));
        Assert.Contains("VocabOnly", e.Message);
    }

    [Fact]
    public void Using_a_disposed_model_throws_instead_of_crashing()
    {
        var model = LlamaModel.Load(RepoPaths.Vocab("llama-bpe"), VocabOnly);
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Tokenize("hi", addSpecial: false));
    }
}
