using System.Runtime.InteropServices;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Tests;

public class LoraAdapterWriterTests
{
    private const int Embd = 64;   // TestModelPreset.Tiny
    private const int FeedForward = 128;

    private static float[] Values(int count, float scale, int salt) =>
        Enumerable.Range(0, count).Select(i => MathF.Sin(i * 0.37f + salt) * scale).ToArray();

    private static LoraTensorPair[] Pairs(float bScale = 0.5f) =>
    [
        new("blk.0.attn_q.weight", 4, Values(Embd * 4, 0.3f, 1), Values(4 * Embd, bScale, 2)),
        new("blk.1.ffn_down.weight", 2, Values(FeedForward * 2, 0.3f, 3), Values(2 * Embd, bScale, 4)),
    ];

    [Fact]
    public void Written_adapter_has_the_llama_cpp_layout()
    {
        var path = Path.Combine(TestModels.NewDirectory(), "adapter.gguf");
        var pairs = Pairs();

        LoraAdapterWriter.Write(path, TestModels.Tiny(), alpha: 8f, pairs);

        using var file = GgufFile.Open(path);
        Assert.Equal("llama", file.Architecture);
        Assert.True(file.TryGetString("general.type", out var type) && type == "adapter");
        Assert.True(file.TryGetString("adapter.type", out var adapterType) && adapterType == "lora");
        Assert.True(file.TryGetFloat("adapter.lora.alpha", out var alpha) && alpha == 8f);
        Assert.Equal(["blk.0.attn_q.weight.lora_a", "blk.0.attn_q.weight.lora_b", "blk.1.ffn_down.weight.lora_a", "blk.1.ffn_down.weight.lora_b"],
            file.Tensors.Select(t => t.Name));
        Assert.Equal([Embd, 4], file.FindTensor("blk.0.attn_q.weight.lora_a")!.Shape);
        Assert.Equal([4, Embd], file.FindTensor("blk.0.attn_q.weight.lora_b")!.Shape);
        Assert.Equal([FeedForward, 2], file.FindTensor("blk.1.ffn_down.weight.lora_a")!.Shape);
        Assert.Equal([2, Embd], file.FindTensor("blk.1.ffn_down.weight.lora_b")!.Shape);
        Assert.All(file.Tensors, t => Assert.Equal(GgmlType.F32, t.Type));

        Assert.Equal(pairs[0].A, MemoryMarshal.Cast<byte, float>(file.ReadTensorData(file.FindTensor("blk.0.attn_q.weight.lora_a")!)).ToArray());
        Assert.Equal(pairs[1].B, MemoryMarshal.Cast<byte, float>(file.ReadTensorData(file.FindTensor("blk.1.ffn_down.weight.lora_b")!)).ToArray());
    }

    [Fact]
    public void Llama_cpp_loads_the_adapter_and_it_changes_the_logits_only_when_B_is_nonzero()
    {
        var dir = TestModels.NewDirectory();
        var active = Path.Combine(dir, "active.gguf");
        var zero = Path.Combine(dir, "zero.gguf");
        LoraAdapterWriter.Write(active, TestModels.Tiny(), 8f, Pairs());
        LoraAdapterWriter.Write(zero, TestModels.Tiny(), 8f, Pairs(bScale: 0f)); // B = 0 is LoRA's identity

        using var model = LlamaModel.Load(TestModels.Tiny());
        using var activeAdapter = LoraAdapter.Load(model, active);
        using var zeroAdapter = LoraAdapter.Load(model, zero);
        using var context = new LlamaContext(model, new ContextOptions { ContextSize = 128, BatchSize = 32, MicroBatchSize = 32, Threads = 1 });
        var tokens = model.Tokenize("Response A is better than response B.", addSpecial: true);

        float[] Logits(LoraAdapter? adapter)
        {
            context.SetLoraAdapters(adapter is null ? [] : [(adapter, 1f)]);
            context.ClearMemory();
            using var batch = new LlamaBatch(32);
            for (var i = 0; i < tokens.Length; i++)
                batch.Add(tokens[i], i, 0, logits: i == tokens.Length - 1);
            context.Decode(batch);
            return context.GetLogits(tokens.Length - 1).ToArray();
        }

        var baseline = Logits(null);
        Assert.Equal(baseline, Logits(zeroAdapter));
        var adapted = Logits(activeAdapter);
        Assert.True(baseline.Zip(adapted).Max(p => MathF.Abs(p.First - p.Second)) > 1e-3f, "a nonzero adapter must change the logits");
    }

    [Fact]
    public void Adapter_for_a_quantized_qwen2_base_names_its_architecture_and_loads()
    {
        var basePath = TestModels.PathOf(new TestModelSpec("qwen2", Type: GgmlType.Q8_0));
        var path = Path.Combine(TestModels.NewDirectory(), "qwen2.gguf");
        var kvWidth = TestModelPreset.Tiny.HeadCountKv * TestModelPreset.Tiny.HeadDim;

        LoraAdapterWriter.Write(path, basePath, 4f, [new("blk.0.attn_v.weight", 2, Values(Embd * 2, 0.1f, 5), Values(2 * kvWidth, 0.1f, 6))]);

        using var model = LlamaModel.Load(basePath);
        using var adapter = LoraAdapter.Load(model, path);
        Assert.Equal(path, adapter.Path);
        using var file = GgufFile.Open(path);
        Assert.Equal("qwen2", file.Architecture);
    }

    public static TheoryData<string, LoraTensorPair[], string> InvalidPairs() => new()
    {
        { "unknown weight", [new("blk.9.attn_q.weight", 2, new float[Embd * 2], new float[2 * Embd])], "does not exist in base model" },
        { "norm vector", [new("blk.0.attn_norm.weight", 1, new float[Embd], new float[1])], "cannot be adapted" },
        { "token embeddings", [new("token_embd.weight", 2, new float[Embd * 2], new float[100])], "cannot be adapted" },
        { "rank zero", [new("blk.0.attn_q.weight", 0, [], [])], "rank 0" },
        { "rank too large", [new("blk.0.attn_q.weight", Embd + 1, new float[Embd * (Embd + 1)], new float[(Embd + 1) * Embd])], "must be between 1 and 64" },
        { "short A", [new("blk.0.attn_q.weight", 2, new float[Embd * 2 - 1], new float[2 * Embd])], "LoRA A" },
        { "long B", [new("blk.0.attn_q.weight", 2, new float[Embd * 2], new float[2 * Embd + 1])], "LoRA B" },
        { "NaN", [new("blk.0.attn_q.weight", 1, Enumerable.Repeat(float.NaN, Embd).ToArray(), new float[Embd])], "NaN" },
        { "duplicate", [.. Pairs(), Pairs()[0]], "appears twice" },
        { "no pairs", [], "at least one" },
    };

    [Theory]
    [MemberData(nameof(InvalidPairs))]
    public void Invalid_pairs_are_refused_before_anything_is_written(string why, LoraTensorPair[] pairs, string message)
    {
        var path = Path.Combine(TestModels.NewDirectory(), "bad.gguf");

        var e = Assert.Throws<LlamaAdapterException>(() => LoraAdapterWriter.Write(path, TestModels.Tiny(), 8f, pairs));

        Assert.True(e.Message.Contains(message), $"{why}: '{e.Message}' should mention '{message}'");
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void Alpha_must_be_positive(float alpha)
    {
        var path = Path.Combine(TestModels.NewDirectory(), "bad.gguf");
        Assert.Throws<LlamaAdapterException>(() => LoraAdapterWriter.Write(path, TestModels.Tiny(), alpha, Pairs()));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Missing_base_model_is_an_adapter_error()
    {
        var dir = TestModels.NewDirectory();
        var e = Assert.Throws<LlamaAdapterException>(() =>
            LoraAdapterWriter.Write(Path.Combine(dir, "a.gguf"), Path.Combine(dir, "no-base.gguf"), 8f, Pairs()));
        Assert.Contains("does not exist", e.Message);
    }
}
