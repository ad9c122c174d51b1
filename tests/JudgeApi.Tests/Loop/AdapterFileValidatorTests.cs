using System.Runtime.InteropServices;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.Loop;

/// <summary>
/// The upload validator decides as llama.cpp's loader does: every file here is checked by both, and they must agree,
/// on adapters other tools write (mergekit-extract-lora's norm tensors, the converter's token_embd layout, no alpha) and
/// on what llama.cpp refuses (an lm_head LoRA on a tied-embedding base, a token_embd pair in the projection layout).
/// </summary>
public sealed class AdapterFileValidatorTests : IDisposable
{
    private const int Rank = 2, Width = 64;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, bool> Cases => new()
    {
        { "ours", true },
        { "mergekit norms", true },
        { "token_embd, converter layout", true },
        { "no alpha", true },
        { "F16 factors", true },
        { "lm_head on untied base", true },
        { "lm_head on tied base", false },
        { "token_embd, projection layout", false },
        { "unknown suffix", false },
        { "only lora_a", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_validator_accepts_exactly_what_llama_cpp_loads(string kind, bool accepted)
    {
        var basePath = kind == "lm_head on untied base" ? TestModels.PathOf(new TestModelSpec("llama") { UntiedOutput = true }) : TestModels.Tiny();
        var adapter = Write(kind, basePath);

        var validated = Validates(adapter, basePath, out var reason);
        var loaded = LlamaCppLoads(adapter, basePath);

        Assert.True(loaded == accepted, $"{kind}: llama.cpp {(loaded ? "loads" : "refuses")} it (expected otherwise); the test case is wrong");
        Assert.True(validated == accepted, $"{kind}: the validator {(validated ? "accepts" : $"refuses ({reason})")} what llama.cpp {(loaded ? "loads" : "refuses")}");
    }

    [Fact]
    public void An_adapter_for_a_split_base_is_checked_against_every_shard()
    {
        var split = TestModels.PathOf(new TestModelSpec("llama") { Shards = 3 });
        // blk.1 lives in the last shard: a validator reading only the first would call the base wrong
        var adapter = Path.Combine(_dir.Path, "split.gguf");
        LoraAdapterWriter.Write(adapter, split, 4f, [new LoraTensorPair("blk.1.ffn_down.weight", Rank, Values(128 * Rank), Values(Rank * Width))]);

        var shape = AdapterFileValidator.Validate(adapter, split);

        Assert.Equal((Rank, 4f, 1), (shape.Rank, shape.Alpha, shape.Pairs));
        Assert.True(LlamaCppLoads(adapter, split));
    }

    [Fact]
    public void Without_alpha_the_registry_records_the_scale_llama_cpp_applies()
    {
        var shape = AdapterFileValidator.Validate(Write("no alpha", TestModels.Tiny()), TestModels.Tiny());
        Assert.Equal(Rank, shape.Alpha); // alpha / rank = 1: B·A unscaled
    }

    private string Write(string kind, string basePath)
    {
        var path = Path.Combine(_dir.Path, kind.Replace(' ', '-').Replace(',', '_') + ".gguf");
        long vocab;
        using (var model = GgufFile.Open(basePath))
            vocab = model.FindTensor("token_embd.weight")!.Shape[1];
        var q = ("blk.0.attn_q.weight", new long[] { Width, Rank }, new long[] { Rank, Width });
        var tensors = kind switch
        {
            "token_embd, converter layout" => [("token_embd.weight", [Rank, vocab], [Rank, Width])],
            "token_embd, projection layout" => [("token_embd.weight", [Width, Rank], [Rank, vocab])],
            "lm_head on untied base" or "lm_head on tied base" => [("output.weight", [Width, Rank], [Rank, vocab])],
            _ => new List<(string Weight, long[] A, long[] B)> { q },
        };
        using var writer = new GgufWriter(2 * tensors.Count + 2);
        writer.SetString("general.type", "adapter");
        writer.SetString("general.architecture", "llama");
        writer.SetString("adapter.type", "lora");
        if (kind != "no alpha")
            writer.SetFloat("adapter.lora.alpha", 4f);
        var type = kind == "F16 factors" ? GgmlType.F16 : GgmlType.F32;
        foreach (var (weight, a, b) in tensors)
        {
            writer.AddTensor(weight + ".lora_a", type, a, s => WriteValues(s, a, type));
            if (kind != "only lora_a")
                writer.AddTensor(weight + (kind == "unknown suffix" ? ".lora_c" : ".lora_b"), type, b, s => WriteValues(s, b, type));
        }
        if (kind == "mergekit norms")
        {
            writer.AddTensor("blk.0.attn_norm.weight", GgmlType.F32, [Width], s => WriteValues(s, [Width], GgmlType.F32));
            writer.AddTensor("output_norm.weight", GgmlType.F32, [Width], s => WriteValues(s, [Width], GgmlType.F32));
        }
        writer.WriteFile(path);
        return path;
    }

    private static bool Validates(string adapter, string basePath, out string reason)
    {
        try
        {
            AdapterFileValidator.Validate(adapter, basePath);
            reason = "";
            return true;
        }
        catch (AdapterRejectedException e)
        {
            reason = e.Message;
            return false;
        }
    }

    private static bool LlamaCppLoads(string adapter, string basePath)
    {
        using var model = LlamaModel.Load(basePath);
        try
        {
            using var loaded = LoraAdapter.Load(model, adapter);
            return true;
        }
        catch (LlamaAdapterException)
        {
            return false;
        }
    }

    private static void WriteValues(Stream stream, long[] shape, GgmlType type)
    {
        var values = Values(shape.Aggregate(1L, (n, d) => n * d));
        if (type == GgmlType.F32)
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        else
            stream.Write(MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()));
    }

    private static float[] Values(long count) => Enumerable.Range(0, (int)count).Select(i => (i % 17 - 8) / 800f).ToArray();
}
