using System.Security.Cryptography;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Tests;

public class TestModelWriterTests
{
    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    public void Tiny_model_has_the_architecture_metadata_and_tensors(string arch)
    {
        using var file = GgufFile.Open(TestModels.Tiny(arch));
        var tiny = TestModelPreset.Tiny;

        Assert.Equal(arch, file.Architecture);
        Assert.True(file.TryGetUInt32($"{arch}.embedding_length", out var embd));
        Assert.Equal((uint)tiny.EmbeddingLength, embd);
        Assert.True(file.TryGetUInt32($"{arch}.block_count", out var layers));
        Assert.Equal((uint)tiny.LayerCount, layers);
        Assert.True(file.TryGetString("tokenizer.chat_template", out var template));
        Assert.Contains("<|im_start|>", template);
        Assert.True(file.TryGetStringArray("tokenizer.ggml.tokens", out var tokens));
        Assert.True(file.TryGetUInt32("tokenizer.ggml.eos_token_id", out var eos));
        Assert.Equal("<|im_end|>", tokens[eos]);

        var q = file.FindTensor("blk.1.attn_q.weight");
        Assert.NotNull(q);
        Assert.Equal([tiny.EmbeddingLength, tiny.HeadCount * tiny.HeadDim], q.Shape);
        Assert.Equal(GgmlType.F32, q.Type);
        Assert.Equal(q.ElementCount * 4, q.SizeBytes);
        var embdTensor = file.FindTensor("token_embd.weight");
        Assert.NotNull(embdTensor);
        Assert.Equal([tiny.EmbeddingLength, tokens.Length], embdTensor.Shape);
        Assert.Equal(arch == "qwen2", file.FindTensor("blk.0.attn_k.bias") is not null);
        Assert.Equal(arch == "qwen3", file.FindTensor("blk.0.attn_k_norm.weight") is not null);
        Assert.True(new FileInfo(file.Path).Length < 20_000_000);
    }

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.Q8_0)]
    public void Same_seed_gives_the_same_bytes_and_another_seed_other_bytes(GgmlType type)
    {
        var dir = TestModels.NewDirectory();
        string Hash(int seed, string name)
        {
            var path = Path.Combine(dir, name);
            TestModelWriter.Write(new TestModelSpec(Type: type, Seed: seed), path);
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }

        var first = Hash(7, "a.gguf");
        Assert.Equal(first, Hash(7, "b.gguf"));
        Assert.NotEqual(first, Hash(8, "c.gguf"));
        Assert.Equal(3, Directory.GetFiles(dir).Length); // no temporary file left behind
    }

    [Theory]
    [InlineData("gpt2", "tiny", GgmlType.F32, "Architecture")]
    [InlineData("llama", "huge", GgmlType.F32, "Preset")]
    [InlineData("llama", "tiny", GgmlType.Q5_K, "Type")]
    public void Unsupported_specs_are_rejected_with_the_allowed_values(string arch, string preset, GgmlType type, string field)
    {
        var path = Path.Combine(TestModels.NewDirectory(), "never.gguf");

        var e = Assert.Throws<ArgumentException>(() => TestModelWriter.Write(new TestModelSpec(arch, preset, type), path));

        Assert.Contains("use one of", e.Message);
        Assert.Equal(field, e.ParamName);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void F16_model_stores_matrices_in_f16_and_norms_in_f32()
    {
        using var file = GgufFile.Open(TestModels.PathOf(new TestModelSpec(Type: GgmlType.F16)));

        Assert.Equal(GgmlType.F16, file.FindTensor("blk.0.ffn_up.weight")!.Type);
        Assert.Equal(GgmlType.F16, file.FindTensor("token_embd.weight")!.Type);
        Assert.Equal(GgmlType.F32, file.FindTensor("blk.0.ffn_norm.weight")!.Type);
        Assert.True(file.TryGetUInt32("general.file_type", out var fileType) && fileType == 1);
    }
}
