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
            var quantized = q8[name];
            double diff = 0, norm = 0;
            for (var i = 0; i < reference.Length; i++)
            {
                diff += (quantized[i] - reference[i]) * (double)(quantized[i] - reference[i]);
                norm += reference[i] * (double)reference[i];
            }
            Assert.True(norm > 0, $"{name}: the F32 gradient is zero, so the comparison would prove nothing");
            var relative = Math.Sqrt(diff / norm);
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
}
