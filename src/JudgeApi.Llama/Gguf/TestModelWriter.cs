using System.Runtime.InteropServices;
using JudgeApi.Llama.IO;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Writes GGUF models with deterministic random weights that llama.cpp loads and runs: the same spec gives
/// the same bytes. F32 and F16 files are written directly; Q8_0 and Q4_K ones are written as F32 and
/// converted with llama_model_quantize (Q4_K means llama.cpp's Q4_K_M mix).
/// </summary>
public static class TestModelWriter
{
    private const int ChunkElements = 1 << 16;

    public static void Write(TestModelSpec spec, string outPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        spec.Validate();
        var fullPath = Path.GetFullPath(outPath);

        if (spec.Type is GgmlType.F32 or GgmlType.F16)
        {
            WriteUnquantized(spec, fullPath);
            return;
        }

        var f32Path = $"{fullPath}.{Guid.NewGuid():N}.f32.tmp";
        try
        {
            WriteUnquantized(spec with { Type = GgmlType.F32 }, f32Path);
            Quantize(f32Path, fullPath, spec.Type);
        }
        finally
        {
            File.Delete(f32Path);
        }
    }

    private static void WriteUnquantized(TestModelSpec spec, string path)
    {
        var preset = TestModelPreset.Find(spec.Preset)!;
        var arch = spec.Architecture;
        var tensors = TensorsOf(arch, preset);
        using var writer = new GgufWriter(tensors.Count + 1);

        // tokenizer first: its keys come from another file and must not overwrite ours
        var vocabSize = TestVocab.Apply(writer, spec.Vocab ?? preset.VocabFile, spec.ChatTemplate ?? TestVocab.ChatTemplate);

        writer.SetString("general.architecture", arch);
        writer.SetString("general.name", $"judgeapi-test-{arch}-{preset.Name}");
        writer.SetUInt32("general.file_type", (uint)(spec.Type == GgmlType.F16 ? llama_ftype.LLAMA_FTYPE_MOSTLY_F16 : llama_ftype.LLAMA_FTYPE_ALL_F32));
        writer.SetUInt32($"{arch}.vocab_size", (uint)vocabSize);
        writer.SetUInt32($"{arch}.context_length", (uint)preset.ContextLength);
        writer.SetUInt32($"{arch}.embedding_length", (uint)preset.EmbeddingLength);
        writer.SetUInt32($"{arch}.block_count", (uint)preset.LayerCount);
        writer.SetUInt32($"{arch}.feed_forward_length", (uint)preset.FeedForwardLength);
        writer.SetUInt32($"{arch}.attention.head_count", (uint)preset.HeadCount);
        writer.SetUInt32($"{arch}.attention.head_count_kv", (uint)preset.HeadCountKv);
        writer.SetFloat($"{arch}.attention.layer_norm_rms_epsilon", preset.RmsNormEpsilon);
        writer.SetFloat($"{arch}.rope.freq_base", preset.RopeFreqBase);
        writer.SetUInt32($"{arch}.rope.dimension_count", (uint)preset.HeadDim);
        if (arch == "qwen3")
        {
            writer.SetUInt32($"{arch}.attention.key_length", (uint)preset.HeadDim);
            writer.SetUInt32($"{arch}.attention.value_length", (uint)preset.HeadDim);
        }

        // token embeddings double as the output projection (no output.weight), as in the small real models
        var embd = new TensorPlan("token_embd.weight", [preset.EmbeddingLength, vocabSize], 2f / MathF.Sqrt(preset.EmbeddingLength));
        foreach (var t in tensors.Prepend(embd))
        {
            // 1-D tensors (norms, biases) stay F32 in every file type, as in converted models
            var type = t.Shape.Length == 1 ? GgmlType.F32 : spec.Type;
            var random = DeterministicRandom.ForStream(spec.Seed, t.Name);
            writer.AddTensor(t.Name, type, t.Shape, stream => WriteValues(stream, type, t, random));
        }
        writer.WriteFile(path);
    }

    /// <summary>A tensor to generate: uniform weights with standard deviation Std, or all ones when Std is null (norms).</summary>
    private sealed record TensorPlan(string Name, long[] Shape, float? Std);

    private static List<TensorPlan> TensorsOf(string arch, TestModelPreset p)
    {
        long e = p.EmbeddingLength, f = p.FeedForwardLength, d = p.HeadDim;
        long q = p.HeadCount * d, kv = p.HeadCountKv * d;
        // projections that write into the residual stream are scaled down with depth to keep activations sane
        var residualScale = 1f / MathF.Sqrt(2f * p.LayerCount);
        const float biasStd = 0.02f;

        var list = new List<TensorPlan> { new("output_norm.weight", [e], null) };
        for (var i = 0; i < p.LayerCount; i++)
        {
            var b = $"blk.{i}.";
            list.Add(new(b + "attn_norm.weight", [e], null));
            list.Add(new(b + "attn_q.weight", [e, q], InputStd(e)));
            list.Add(new(b + "attn_k.weight", [e, kv], InputStd(e)));
            list.Add(new(b + "attn_v.weight", [e, kv], InputStd(e)));
            if (arch == "qwen2")
            {
                list.Add(new(b + "attn_q.bias", [q], biasStd));
                list.Add(new(b + "attn_k.bias", [kv], biasStd));
                list.Add(new(b + "attn_v.bias", [kv], biasStd));
            }
            if (arch == "qwen3")
            {
                list.Add(new(b + "attn_q_norm.weight", [d], null));
                list.Add(new(b + "attn_k_norm.weight", [d], null));
            }
            list.Add(new(b + "attn_output.weight", [q, e], InputStd(q) * residualScale));
            list.Add(new(b + "ffn_norm.weight", [e], null));
            list.Add(new(b + "ffn_gate.weight", [e, f], InputStd(e)));
            list.Add(new(b + "ffn_up.weight", [e, f], InputStd(e)));
            list.Add(new(b + "ffn_down.weight", [f, e], InputStd(f) * residualScale));
        }
        return list;
    }

    private static float InputStd(long inputs) => 1f / MathF.Sqrt(inputs);

    private static void WriteValues(Stream stream, GgmlType type, TensorPlan tensor, DeterministicRandom random)
    {
        // a uniform variable on [-a, a) has standard deviation a / sqrt(3)
        var amplitude = tensor.Std * MathF.Sqrt(3f);
        var count = tensor.Shape.Aggregate(1L, (n, x) => n * x);
        var values = new float[ChunkElements];
        var halves = type == GgmlType.F16 ? new Half[ChunkElements] : null;
        for (long done = 0; done < count; done += ChunkElements)
        {
            var n = (int)Math.Min(ChunkElements, count - done);
            var chunk = values.AsSpan(0, n);
            if (amplitude is { } a)
            {
                for (var i = 0; i < n; i++)
                    chunk[i] = random.NextSymmetric() * a;
            }
            else
            {
                chunk.Fill(1f);
            }

            if (halves is null)
            {
                stream.Write(MemoryMarshal.AsBytes(chunk));
            }
            else
            {
                for (var i = 0; i < n; i++)
                    halves[i] = (Half)chunk[i];
                stream.Write(MemoryMarshal.AsBytes(halves.AsSpan(0, n)));
            }
        }
    }

    private static unsafe void Quantize(string f32Path, string outPath, GgmlType type)
    {
        var parameters = NativeApi.llama_model_quantize_default_params();
        parameters.nthread = Environment.ProcessorCount;
        parameters.ftype = type switch
        {
            GgmlType.Q8_0 => llama_ftype.LLAMA_FTYPE_MOSTLY_Q8_0,
            GgmlType.Q4_K => llama_ftype.LLAMA_FTYPE_MOSTLY_Q4_K_M,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only Q8_0 and Q4_K are produced by quantization."),
        };

        var tempPath = AtomicFile.TempPathFor(outPath);
        try
        {
            var rc = NativeApi.llama_model_quantize(f32Path, tempPath, &parameters);
            if (rc != 0)
                throw new LlamaException($"llama_model_quantize to {type} failed (code {rc}); the llama.cpp log above says why.");
            AtomicFile.Publish(tempPath, outPath);
        }
        finally
        {
            File.Delete(tempPath);
        }
    }
}
