using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Tests;

public class ArchitectureTests
{
    private static float[] PromptLogits(TestModelSpec spec, out LlamaGeneration generation)
    {
        using var model = LlamaModel.Load(TestModels.PathOf(spec));
        using var context = new LlamaContext(model, new ContextOptions { ContextSize = 256, BatchSize = 32, MicroBatchSize = 32, Threads = 2 });
        using var sampler = new LlamaSampler(model, new SamplingOptions());
        var prompt = model.Tokenize(model.ApplyChatTemplate([new ChatMessage("user", "Is A better than B?")], addAssistantPrefix: true),
            addSpecial: true, parseSpecial: true);
        Assert.Equal(spec.Architecture, model.Architecture);

        var logits = TinyModelFixture.DecodeLast(context, prompt);
        context.ClearMemory();
        generation = context.Generate(prompt, sampler, 4);
        return logits;
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    public void Each_architecture_decodes_and_generates(string architecture)
    {
        var logits = PromptLogits(new TestModelSpec(architecture), out var generation);

        Assert.All(logits, x => Assert.True(float.IsFinite(x)));
        Assert.True(logits.Max() - logits.Min() > 1e-3f);
        Assert.Equal(GenerationStopReason.MaxTokens, generation.StopReason); // random weights: no end token within 4
        Assert.Equal(4, generation.Tokens.Length);
        Assert.Equal(Array.IndexOf(logits, logits.Max()), generation.Tokens[0]);
    }

    [Fact]
    public void Q8_0_weights_give_logits_close_to_f32()
    {
        var reference = PromptLogits(new TestModelSpec(), out _);
        var quantized = PromptLogits(new TestModelSpec(Type: GgmlType.Q8_0), out _);

        Assert.InRange(Correlation(reference, quantized), 0.99, 1.0001);
        Assert.NotEqual(reference, quantized);
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
}
