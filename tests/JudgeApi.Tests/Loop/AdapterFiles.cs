using JudgeApi.Llama.Gguf;

namespace JudgeApi.Tests.Loop;

/// <summary>Adapter files for upload tests: one llama.cpp accepts for the tiny test model, and each kind it must refuse.</summary>
internal static class AdapterFiles
{
    private const int Rank = 2, Width = 64;

    /// <summary>A rank-2 LoRA on blk.0.attn_q of the tiny test model, with small deterministic values.</summary>
    public static string Good(string directory) => Write(directory, "good.gguf", path =>
        LoraAdapterWriter.Write(path, TestModels.Tiny(), 4f, [new LoraTensorPair("blk.0.attn_q.weight", Rank, Values(Width * Rank, 1), Values(Rank * Width, 2))]));

    /// <summary>A LoRA on both layers' FFN output with large factors: it changes what the tiny model generates.</summary>
    public static string Strong(string directory) => Write(directory, "strong.gguf", path =>
        LoraAdapterWriter.Write(path, TestModels.Tiny(), Rank,
            [.. Enumerable.Range(0, 2).Select(layer => new LoraTensorPair($"blk.{layer}.ffn_down.weight", Rank,
                Values(128 * Rank, layer + 1).Select(v => v * 400).ToArray(), Values(Rank * Width, layer + 5).Select(v => v * 400).ToArray()))]));

    /// <summary>A valid LoRA, but for a qwen2 model: the judge model is llama.</summary>
    public static string OtherArchitecture(string directory) => Write(directory, "qwen2-adapter.gguf", path =>
    {
        var qwen = Path.Combine(directory, "qwen2-base.gguf");
        TestModelWriter.Write(new TestModelSpec("qwen2"), qwen);
        LoraAdapterWriter.Write(path, qwen, 4f, [new LoraTensorPair("blk.0.attn_q.weight", Rank, Values(Width * Rank, 1), Values(Rank * Width, 2))]);
        File.Delete(qwen);
    });

    /// <summary>
    /// The good adapter with lora_a's directory entry rewritten from [64, 2] to [32, 4]: the same byte size, so the GGUF
    /// stays readable, but the shapes no longer fit blk.0.attn_q.weight.
    /// </summary>
    public static string WrongShape(string directory) => Write(directory, "wrong-shape.gguf", path =>
    {
        var bytes = File.ReadAllBytes(Good(directory));
        var name = System.Text.Encoding.UTF8.GetBytes("blk.0.attn_q.weight.lora_a");
        // tensor info: name, n_dims (u32), ne[0] and ne[1] (u64 each), type, offset
        var dims = bytes.AsSpan().IndexOf(name) + name.Length;
        Assert.Equal(2u, BitConverter.ToUInt32(bytes, dims));
        Assert.Equal(64ul, BitConverter.ToUInt64(bytes, dims + 4));
        BitConverter.TryWriteBytes(bytes.AsSpan(dims + 4), 32ul);
        BitConverter.TryWriteBytes(bytes.AsSpan(dims + 12), 4ul);
        File.WriteAllBytes(path, bytes);
    });

    /// <summary>The good adapter cut inside its tensor data.</summary>
    public static string Truncated(string directory) => Write(directory, "truncated.gguf", path =>
    {
        var bytes = File.ReadAllBytes(Good(directory));
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
    });

    private static string Write(string directory, string name, Action<string> write)
    {
        var path = Path.Combine(directory, name);
        write(path);
        return path;
    }

    private static float[] Values(int count, int seed) => Enumerable.Range(0, count).Select(i => ((i * 7 + seed * 13) % 17 - 8) / 800f).ToArray();
}
