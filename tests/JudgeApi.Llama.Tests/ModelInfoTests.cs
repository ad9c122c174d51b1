namespace JudgeApi.Llama.Tests;

[Collection(TinyModelCollection.Name)]
public class ModelInfoTests(TinyModelFixture fixture)
{
    private LlamaModel Model => fixture.Model;

    [Fact]
    public void Reports_the_generated_dimensions()
    {
        Assert.Equal("llama", Model.Architecture);
        Assert.Equal(64, Model.EmbeddingLength);
        Assert.Equal(2, Model.LayerCount);
        Assert.Equal(8192, Model.TrainContextLength);
        Assert.False(Model.IsVocabOnly);
        Assert.True(Model.ParameterCount > 64L * Model.VocabSize);
        Assert.True(Model.SizeBytes >= 4 * Model.ParameterCount); // F32 weights
        Assert.Contains("llama", Model.Description);
        Assert.Equal(fixture.Path, Model.Path);
    }

    [Fact]
    public void Applies_the_models_chatml_template()
    {
        Assert.NotNull(Model.ChatTemplate);

        var prompt = Model.ApplyChatTemplate([new ChatMessage("system", "Be fair."), new ChatMessage("user", "Which is better, é or 東?")], addAssistantPrefix: true);

        Assert.Equal("<|im_start|>system\nBe fair.<|im_end|>\n<|im_start|>user\nWhich is better, é or 東?<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void Chat_markers_tokenize_to_control_tokens_and_end_of_turn_ends_generation()
    {
        var tokens = Model.Tokenize("<|im_start|>user\nhi<|im_end|>", addSpecial: false, parseSpecial: true);

        Assert.Equal("<|im_start|>", Model.TokenToPiece(tokens[0], special: true));
        Assert.True(Model.IsEndOfGeneration(tokens[^1]));
        Assert.Equal(Model.EosToken, tokens[^1]);
    }
}
