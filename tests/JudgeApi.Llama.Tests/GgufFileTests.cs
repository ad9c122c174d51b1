using System.Runtime.InteropServices;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Tests;

public class GgufFileTests
{
    [Fact]
    public void Reads_back_every_kind_of_metadata_it_was_written_with()
    {
        var path = Path.Combine(TestModels.NewDirectory(), "meta.gguf");
        using (var writer = new GgufWriter(maxTensors: 1))
        {
            writer.SetString("t.string", "héllo");
            writer.SetUInt32("t.u32", 4_000_000_000);
            writer.SetFloat("t.f32", 0.25f);
            writer.SetBool("t.bool", true);
            writer.SetStringArray("t.strings", ["a", "", "日本"]);
            writer.SetInt32Array("t.ints", [1, -2, 3]);
            writer.SetFloatArray("t.floats", [1.5f, -0.5f]);
            writer.AddTensor("w", GgmlType.F32, [2, 3], s => s.Write(new byte[24]));
            writer.WriteFile(path);
        }

        using var file = GgufFile.Open(path);

        Assert.Null(file.Architecture);
        Assert.True(file.TryGetString("t.string", out var s) && s == "héllo");
        Assert.True(file.TryGetUInt32("t.u32", out var u) && u == 4_000_000_000);
        Assert.True(file.TryGetFloat("t.f32", out var f) && f == 0.25f);
        Assert.True(file.TryGetBool("t.bool", out var b) && b);
        Assert.True(file.TryGetStringArray("t.strings", out var strings));
        Assert.Equal(["a", "", "日本"], strings);
        Assert.True(file.TryGetArray<int>("t.ints", out var ints));
        Assert.Equal([1, -2, 3], ints);
        Assert.True(file.TryGetArray<float>("t.floats", out var floats));
        Assert.Equal([1.5f, -0.5f], floats);
        Assert.Equal(GgufType.Array, file.GetValueType("t.ints"));
        Assert.Equal(GgufType.Int32, file.GetArrayElementType("t.ints"));
        Assert.Equal(["t.string", "t.u32", "t.f32", "t.bool", "t.strings", "t.ints", "t.floats"], file.Keys);
    }

    [Fact]
    public void Type_mismatches_and_missing_keys_are_false_not_crashes()
    {
        using var file = GgufFile.Open(TestModels.Tiny());

        Assert.False(file.TryGetInt32("llama.block_count", out _)); // stored as uint32
        Assert.False(file.TryGetString("llama.block_count", out _));
        Assert.False(file.TryGetUInt64("llama.block_count", out _));
        Assert.False(file.TryGetArray<float>("tokenizer.ggml.token_type", out _)); // int32 elements
        Assert.False(file.TryGetStringArray("general.architecture", out _));
        Assert.False(file.TryGetUInt32("no.such.key", out _));
        Assert.Null(file.GetValueType("no.such.key"));
        Assert.Null(file.FindTensor("no.such.tensor"));
    }

    [Fact]
    public void Tensor_directory_describes_the_data_section()
    {
        using var file = GgufFile.Open(TestModels.Tiny());
        var length = new FileInfo(file.Path).Length;

        Assert.Equal(3u, file.Version);
        Assert.Equal(0, file.DataOffset % file.Alignment);
        var previousEnd = 0L;
        foreach (var t in file.Tensors)
        {
            Assert.Equal(0, t.Offset % file.Alignment);
            Assert.True(t.Offset >= previousEnd, $"{t.Name} overlaps the previous tensor");
            Assert.Equal(t.ElementCount * sizeof(float), t.SizeBytes);
            previousEnd = t.Offset + t.SizeBytes;
        }
        Assert.InRange(length - (file.DataOffset + previousEnd), 0, file.Alignment - 1);

        // the norm weights are ones and the matrices random: both read from the reported offsets
        var norm = MemoryMarshal.Cast<byte, float>(file.ReadTensorData(file.FindTensor("output_norm.weight")!)).ToArray();
        Assert.Equal(TestModelPreset.Tiny.EmbeddingLength, norm.Length);
        Assert.All(norm, v => Assert.Equal(1f, v));
        var up = MemoryMarshal.Cast<byte, float>(file.ReadTensorData(file.FindTensor("blk.0.ffn_up.weight")!)).ToArray();
        Assert.InRange(up.Select(v => v * v).Average(), 0.5 / TestModelPreset.Tiny.EmbeddingLength, 2.0 / TestModelPreset.Tiny.EmbeddingLength);
    }

    [Fact]
    public void Reading_data_of_a_truncated_file_is_a_load_error()
    {
        var source = File.ReadAllBytes(TestModels.Tiny());
        var path = Path.Combine(TestModels.NewDirectory(), "no-tail.gguf");
        File.WriteAllBytes(path, source.AsSpan(0, source.Length - 1000).ToArray());
        using var file = GgufFile.Open(path);

        var e = Assert.Throws<LlamaModelLoadException>(() => file.ReadTensorData(file.Tensors[^1]));

        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_disposed_file_throws_instead_of_reading_freed_memory()
    {
        var file = GgufFile.Open(TestModels.Tiny());
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.TryGetString("general.architecture", out _));
    }

    [Fact]
    public void Missing_file_is_a_load_error()
    {
        var path = Path.Combine(TestModels.NewDirectory(), "absent.gguf");
        var e = Assert.Throws<LlamaModelLoadException>(() => GgufFile.Open(path));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Non_gguf_file_is_a_load_error()
    {
        var path = Path.Combine(TestModels.NewDirectory(), "model.bin");
        File.WriteAllText(path, "definitely not a model");
        var e = Assert.Throws<LlamaModelLoadException>(() => GgufFile.Open(path));
        Assert.Contains("not a GGUF file", e.Message);
    }

    [Fact]
    public void File_shorter_than_a_header_is_a_load_error()
    {
        var path = Path.Combine(TestModels.NewDirectory(), "short.gguf");
        File.WriteAllBytes(path, "GGUF\u0003\0\0\0"u8.ToArray());
        var e = Assert.Throws<LlamaModelLoadException>(() => GgufFile.Open(path));
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(3)]     // cut inside the vocabulary arrays
    [InlineData(64)]    // cut just after the header
    public void Truncated_metadata_is_a_load_error_found_before_the_native_reader(int divisor)
    {
        var source = File.ReadAllBytes(TestModels.Tiny());
        var path = Path.Combine(TestModels.NewDirectory(), "cut.gguf");
        File.WriteAllBytes(path, source.AsSpan(0, Math.Max(32, source.Length / divisor / 4)).ToArray());

        var e = Assert.Throws<LlamaModelLoadException>(() => GgufFile.Open(path));

        Assert.Contains("not a valid GGUF file", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Garbage_counts_after_the_magic_are_a_load_error()
    {
        var path = Path.Combine(TestModels.NewDirectory(), "garbage.gguf");
        var bytes = new byte[4096];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 131 + 7);
        "GGUF"u8.CopyTo(bytes);
        BitConverter.GetBytes(3u).CopyTo(bytes, 4);
        File.WriteAllBytes(path, bytes);

        Assert.Throws<LlamaModelLoadException>(() => GgufFile.Open(path));
    }
}
