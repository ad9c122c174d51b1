using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Tests;

/// <summary>
/// Every architecture of the tiny preset, in F32 and Q8_0, is seen by llama.cpp as the writer meant it
/// (dimensions, vocabulary, chat template, end-of-turn token) and decodes to finite logits.
/// </summary>
public class GeneratedModelRunTests
{
    public static TheoryData<string, GgmlType> Specs()
    {
        var data = new TheoryData<string, GgmlType>();
        foreach (var arch in TestModelSpec.Architectures)
        {
            data.Add(arch, GgmlType.F32);
            data.Add(arch, GgmlType.Q8_0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Tiny_model_is_read_by_llama_cpp_as_written_and_decodes(string arch, GgmlType type)
    {
        var path = TestModels.PathOf(new TestModelSpec(arch, Type: type));
        using var model = LlamaModel.Load(path);
        using (var file = GgufFile.Open(path))
        {
            Assert.Equal(file.Tensors.Sum(t => t.ElementCount), model.ParameterCount);
            Assert.True(file.TryGetStringArray("tokenizer.ggml.tokens", out var vocab));
            Assert.Equal(vocab.Length, model.VocabSize);
        }

        Assert.Equal(arch, model.Architecture);
        Assert.Equal(TestModelPreset.Tiny.EmbeddingLength, model.EmbeddingLength);
        Assert.Equal(TestModelPreset.Tiny.LayerCount, model.LayerCount);
        Assert.Equal(TestModelPreset.Tiny.ContextLength, model.TrainContextLength);
        Assert.Contains(type == GgmlType.F32 ? "F32" : "Q8_0", model.Description);
        Assert.True(model.IsEndOfGeneration(model.Tokenize("<|im_end|>", addSpecial: false, parseSpecial: true).Single()));

        var prompt = model.ApplyChatTemplate(
            [new ChatMessage("system", "You compare answers."), new ChatMessage("user", "Is A or B better?")], addAssistantPrefix: true);
        Assert.EndsWith("<|im_start|>assistant\n", prompt);
        var tokens = model.Tokenize(prompt, addSpecial: true, parseSpecial: true);

        using var context = new LlamaContext(model, new ContextOptions { ContextSize = 256, BatchSize = 64, MicroBatchSize = 64, Threads = 1 });
        using var batch = new LlamaBatch(64);
        for (var i = 0; i < tokens.Length; i++)
            batch.Add(tokens[i], i, 0, logits: i == tokens.Length - 1);
        context.Decode(batch);
        var logits = context.GetLogits(tokens.Length - 1).ToArray();

        Assert.Equal(model.VocabSize, logits.Length);
        Assert.All(logits, l => Assert.True(float.IsFinite(l)));
        Assert.True(logits.Max() - logits.Min() > 1f, "random weights should give spread-out logits");
        Assert.Equal(tokens.Length - 1, context.MaxPosition(0));
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, 0.999)]
    [InlineData(GgmlType.Q4_K, 0.98)]
    public void Quantized_model_computes_nearly_the_logits_of_the_f32_model_of_the_same_seed(GgmlType type, double minCorrelation)
    {
        var reference = PromptLogits(new TestModelSpec());
        var quantized = PromptLogits(new TestModelSpec(Type: type));

        Assert.NotEqual(reference, quantized);
        Assert.InRange(Correlation(reference, quantized), minCorrelation, 1.0001);
    }

    private static float[] PromptLogits(TestModelSpec spec)
    {
        using var model = LlamaModel.Load(TestModels.PathOf(spec));
        using var context = new LlamaContext(model, new ContextOptions { ContextSize = 128, BatchSize = 64, MicroBatchSize = 64, Threads = 1 });
        return TinyModelFixture.DecodeLast(context, model.Tokenize("Which response follows the instruction better?", addSpecial: true));
    }

    private static double Correlation(float[] x, float[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    [Fact]
    public void Tiny_vocab_has_single_token_labels_and_round_trips_utf8()
    {
        using var model = LlamaModel.Load(TestModels.Tiny(), new ModelOptions { VocabOnly = true });

        Assert.Single(model.Tokenize("A", addSpecial: false));
        Assert.Single(model.Tokenize("B", addSpecial: false));
        const string text = "Verdict: A\nÜmlaut, 日本語, emoji 🎉, tab\tend";
        Assert.Equal(text, model.Detokenize(model.Tokenize(text, addSpecial: false)));
        Assert.NotNull(model.ChatTemplate);
    }
}
