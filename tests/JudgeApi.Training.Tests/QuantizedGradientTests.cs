using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>
/// Finite differences are noise on a quantized base (the CPU backend quantizes activations inside the matmul),
/// so a Q8_0 base's analytic LoRA gradients are compared with those of the same weights stored in F32
/// (the dequantized Q8_0 values): the only difference left is the activation quantization of the Q8_0 matmul.
/// </summary>
public sealed unsafe class QuantizedGradientTests
{

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen3")]
    public void Q8BaseGradientsAreWithinTenPercentOfF32BaseGradients(string architecture)
    {
        var q8Path = TestModels.PathOf(new TestModelSpec(architecture, Type: GgmlType.Q8_0));
        var f32Path = Path.Combine(TestModels.NewDirectory(), "dequantized.gguf");
        Q8Dequantizer.WriteF32Copy(q8Path, f32Path);
        var f32 = Gradients(f32Path);
        var q8 = Gradients(q8Path);

        Assert.Equal(f32.Keys.Order(), q8.Keys.Order());
        foreach (var (name, reference) in f32)
        {
            var relative = Sessions.RelativeDistance(name, q8[name], reference);
            Assert.True(relative < 0.10, $"{name}: |g_q8 - g_f32| / |g_f32| = {relative:F4}");
        }
    }

    private static Dictionary<string, float[]> Gradients(string modelPath)
    {
        using var session = Sessions.Lora(modelPath);
        Sessions.RandomizeAdapter(session, seed: 5);
        session.Parameters.ClearGradients();
        session.AccumulateGradients(Sessions.Example, weight: 1f);
        return session.Parameters.Entries.ToDictionary(e => TensorData.NameOf(e.Parameter), e => TensorData.Read(e.Gradient));
    }

    /// <summary>
    /// On a GPU, frozen weights are widened to F32 at load (CUDA's backward matmul takes F32 only). The same path on the
    /// CPU must give exactly the model whose F32 weights are the dequantized values (dequantized independently, in C#).
    /// </summary>
    [Fact]
    public void FrozenWeightsWidenedToF32GiveTheLogitsOfTheDequantizedModel()
    {
        var q8Path = TestModels.PathOf(new TestModelSpec("qwen2", Type: GgmlType.Q8_0));
        var f32Path = Path.Combine(TestModels.NewDirectory(), "dequantized.gguf");
        Q8Dequantizer.WriteF32Copy(q8Path, f32Path);
        int[] tokens = [1, 17, 305, 42, 7, 993, 12, 4];
        int[] rows = [0, 3, 7];

        using var widened = new TrainingSession(q8Path, new TrainingTarget.Lora(LoraTarget.All, 4, 8, 1), threads: 1, frozenAsF32: true);
        using var reference = Sessions.Lora(f32Path);
        Assert.Equal(0, widened.Weights.MappedBytes);
        var a = widened.Logits(tokens, rows);
        var b = reference.Logits(tokens, rows);
        for (var r = 0; r < rows.Length; r++)
            Assert.Equal(b[r], a[r]);
    }
}
