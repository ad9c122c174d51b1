using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>Our ggml graph against llama.cpp's llama_decode on the same GGUF and tokens.</summary>
public sealed class ForwardParityTests
{
    private static readonly int[] Tokens = [1, 17, 305, 42, 7, 993, 12, 4, 88, 2031, 5, 9, 640, 33];

    /// <summary>
    /// Measured: ~4e-6 on F32 bases (float summation order); Q8_0 bases match exactly, since both sides run the
    /// same quantized kernels on the same activations. Both are held to 1e-3.
    /// </summary>
    private const float Bound = 1e-3f;

    [Theory]
    [InlineData("llama", GgmlType.F32)]
    [InlineData("qwen2", GgmlType.F32)]
    [InlineData("qwen3", GgmlType.F32)]
    [InlineData("llama", GgmlType.Q8_0)]
    [InlineData("qwen2", GgmlType.Q8_0)]
    [InlineData("qwen3", GgmlType.Q8_0)]
    public void LogitsMatchLlamaDecode(string architecture, GgmlType type)
    {
        var path = TestModels.PathOf(new TestModelSpec(architecture, Type: type));
        using var session = new LoraTrainingSession(path, LoraTarget.All, rank: 4, alpha: 8, seed: 1, threads: 1);
        ZeroB(session);

        var diff = MaxAbsDifference(session, path, adapterPath: null);
        Assert.True(diff < Bound, $"{architecture} {type}: max |ours - llama.cpp| = {diff} (bound {Bound})");
    }

    [Theory]
    [InlineData("llama", GgmlType.F32)]
    [InlineData("qwen2", GgmlType.F32)]
    [InlineData("qwen3", GgmlType.F32)]
    [InlineData("llama", GgmlType.Q8_0)]
    [InlineData("qwen2", GgmlType.Q8_0)]
    [InlineData("qwen3", GgmlType.Q8_0)]
    public void LogitsWithRandomAdapterMatchLlamaDecodeWithThatAdapterLoaded(string architecture, GgmlType type)
    {
        var path = TestModels.PathOf(new TestModelSpec(architecture, Type: type));
        using var session = new LoraTrainingSession(path, LoraTarget.All, rank: 4, alpha: 8, seed: 1, threads: 1);
        GradientCheckTests.RandomizeAdapter(session, seed: 9);
        var adapterPath = Path.Combine(TestModels.NewDirectory(), "random.gguf");
        LoraAdapterWriter.Write(adapterPath, path, session.Lora.Alpha, session.Lora.Export());

        var diff = MaxAbsDifference(session, path, adapterPath);
        Assert.True(diff < Bound, $"{architecture} {type} with adapter: max |ours - llama.cpp| = {diff} (bound {Bound})");

        // the adapter must matter, or this test would not tell a dropped adapter from a loaded one
        var withoutAdapter = MaxAbsDifference(session, path, adapterPath: null);
        Assert.True(withoutAdapter > 10 * Bound, $"the random adapter changed the logits by only {withoutAdapter}");
    }

    private static float MaxAbsDifference(LoraTrainingSession session, string modelPath, string? adapterPath)
    {
        var rows = Enumerable.Range(0, Tokens.Length).ToArray();
        var ours = session.Logits(Tokens, rows);

        var theirs = LlamaCppReference.Logits(modelPath, Tokens, adapterPath);

        var max = 0f;
        for (var i = 0; i < Tokens.Length; i++)
        {
            Assert.Equal(theirs[i].Length, ours[i].Length);
            for (var v = 0; v < ours[i].Length; v++)
                max = Math.Max(max, Math.Abs(theirs[i][v] - ours[i][v]));
        }
        return max;
    }

    private static unsafe void ZeroB(LoraTrainingSession session)
    {
        foreach (var pair in session.Lora.Pairs)
            LoraWeights.Write(pair.B, new float[NativeApi.ggml_nelements(pair.B)]);
    }
}
