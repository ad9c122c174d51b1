using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>Our ggml graph against llama.cpp's llama_decode on the same GGUF and tokens.</summary>
public sealed class ForwardParityTests
{
    private static readonly int[] Tokens = [1, 17, 305, 42, 7, 993, 12, 4, 88, 2031, 5, 9, 640, 33];

    /// <summary>
    /// F32 bases: measured ~4e-6 (float summation order), held to 1e-3. Q8_0 bases: both sides quantize the
    /// activations of every Q8_0 matmul to 8 bits, so a float-rounding difference upstream occasionally lands on
    /// the other side of a rounding step and moves a logit by up to ~1e-2 (measured: 0 without an adapter, up to
    /// 8e-3 with a large random one); held to 2e-2.
    /// </summary>
    private const float F32Bound = 1e-3f;
    private const float Q8Bound = 2e-2f;

    public static TheoryData<string, GgmlType> ArchitecturesAndTypes => new()
    {
        { "llama", GgmlType.F32 }, { "qwen2", GgmlType.F32 }, { "qwen3", GgmlType.F32 },
        { "llama", GgmlType.Q8_0 }, { "qwen2", GgmlType.Q8_0 }, { "qwen3", GgmlType.Q8_0 },
    };

    private static float BoundFor(GgmlType type) => type == GgmlType.F32 ? F32Bound : Q8Bound;

    [Theory]
    [MemberData(nameof(ArchitecturesAndTypes))]
    public void LogitsMatchLlamaDecode(string architecture, GgmlType type)
    {
        var path = TestModels.PathOf(new TestModelSpec(architecture, Type: type));
        using var session = Sessions.Lora(path);
        ZeroB(session);

        var diff = MaxAbsDifference(session, path, adapterPath: null);
        Assert.True(diff < BoundFor(type), $"{architecture} {type}: max |ours - llama.cpp| = {diff} (bound {BoundFor(type)})");
    }

    [Theory]
    [MemberData(nameof(ArchitecturesAndTypes))]
    public void LogitsWithRandomAdapterMatchLlamaDecodeWithThatAdapterLoaded(string architecture, GgmlType type)
    {
        var path = TestModels.PathOf(new TestModelSpec(architecture, Type: type));
        using var session = Sessions.Lora(path);
        Sessions.RandomizeAdapter(session, seed: 9);
        var adapterPath = Path.Combine(TestModels.NewDirectory(), "random.gguf");
        LoraAdapterWriter.Write(adapterPath, path, session.Lora!.Alpha, session.Lora.Export());

        var diff = MaxAbsDifference(session, path, adapterPath);
        Assert.True(diff < BoundFor(type), $"{architecture} {type} with adapter: max |ours - llama.cpp| = {diff} (bound {BoundFor(type)})");

        // the adapter must matter, or this test would not tell a dropped adapter from a loaded one
        var withoutAdapter = MaxAbsDifference(session, path, adapterPath: null);
        Assert.True(withoutAdapter > 10 * BoundFor(type), $"the random adapter changed the logits by only {withoutAdapter}");
    }

    private static float MaxAbsDifference(TrainingSession session, string modelPath, string? adapterPath)
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

    private static unsafe void ZeroB(TrainingSession session)
    {
        foreach (var pair in session.Lora!.Pairs)
            TensorData.Write(pair.B, new float[NativeApi.ggml_nelements(pair.B)]);
    }
}
