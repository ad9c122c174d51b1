using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Writes GGUF models with deterministic random weights that llama.cpp loads and runs: the same spec gives
/// the same bytes. F32 and F16 files are written directly; Q8_0 and Q4_K ones are written as F32 and
/// converted with llama_model_quantize (Q4_K means llama.cpp's Q4_K_M mix); a split model is written whole, then split.
/// </summary>
public static class TestModelWriter
{
    private const int ChunkElements = 1 << 16;

    /// <param name="outPath">The file; for a split model the first shard's path, ending in -00001-of-0000N.gguf (as <see cref="TestModelSpec.FileName"/>).</param>
    public static void Write(TestModelSpec spec, string outPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Write(TestModelPreset.Find(spec.Preset)!, spec, outPath);
    }

    /// <summary>
    /// A model of any dimensions: <paramref name="preset"/> need not be one of <see cref="TestModelPreset.All"/>, and
    /// its vocab file may be an absolute path (a generated vocabulary, <see cref="ByteLevelBpe"/>). The spec gives the
    /// architecture, type and seed.
    /// </summary>
    public static void Write(TestModelPreset preset, TestModelSpec spec, string outPath)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        var fullPath = Path.GetFullPath(outPath);
        var prefix = spec.Shards > 1 ? GgufModelFiles.SplitPrefix(fullPath, spec.Shards) : null;

        var whole = prefix is null ? fullPath : $"{prefix}.{Guid.NewGuid():N}.whole.tmp";
        var f32Path = spec.Type is GgmlType.F32 or GgmlType.F16 ? null : $"{fullPath}.{Guid.NewGuid():N}.f32.tmp";
        try
        {
            if (f32Path is null)
            {
                WriteUnquantized(preset, spec, whole);
            }
            else
            {
                WriteUnquantized(preset, spec with { Type = GgmlType.F32 }, f32Path);
                ModelQuantizer.Quantize(f32Path, whole, spec.Type);
            }
            if (prefix is not null)
                GgufSplitter.Split(whole, prefix, spec.Shards);
        }
        finally
        {
            if (f32Path is not null)
                File.Delete(f32Path);
            if (prefix is not null)
                File.Delete(whole);
        }
    }

    private static void WriteUnquantized(TestModelPreset preset, TestModelSpec spec, string path)
    {
        var arch = spec.Architecture;
        var headDim = spec.HeadDim ?? preset.HeadDim;
        var tensors = TensorsOf(spec, preset, headDim);
        using var writer = new GgufWriter(tensors.Count + 2);

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
        writer.SetUInt32($"{arch}.rope.dimension_count", (uint)headDim);
        if (arch == "qwen3" || spec.HeadDim is not null)
        {
            writer.SetUInt32($"{arch}.attention.key_length", (uint)headDim);
            writer.SetUInt32($"{arch}.attention.value_length", (uint)headDim);
        }
        WriteRopeScaling(writer, arch, spec.RopeScaling, preset.ContextLength);

        // unless untied, token embeddings double as the output projection (no output.weight), as in the small real models
        var embd = new TensorPlan("token_embd.weight", [preset.EmbeddingLength, vocabSize], 2f / MathF.Sqrt(preset.EmbeddingLength));
        if (spec.UntiedOutput)
            tensors.Insert(1, new TensorPlan("output.weight", [preset.EmbeddingLength, vocabSize], InputStd(preset.EmbeddingLength)));
        foreach (var t in tensors.Prepend(embd))
        {
            // 1-D tensors (norms, biases, RoPE factors) stay F32 in every file type, as in converted models
            var type = FloatTensorEncoding.TypeFor(t.Shape.Length, spec.Type);
            var random = DeterministicRandom.ForStream(spec.Seed, t.Name);
            writer.AddTensor(t.Name, type, t.Shape, stream => WriteValues(stream, type, t, random));
        }
        writer.WriteFile(path);
    }

    private static void WriteRopeScaling(GgufWriter writer, string arch, TestRopeScaling scaling, int contextLength)
    {
        const float factor = 4f;
        switch (scaling)
        {
            case TestRopeScaling.Linear:
                writer.SetString($"{arch}.rope.scaling.type", "linear");
                writer.SetFloat($"{arch}.rope.scaling.factor", factor);
                break;
            case TestRopeScaling.LinearWithoutType:
                writer.SetFloat($"{arch}.rope.scaling.factor", factor);
                break;
            case TestRopeScaling.ScaleLinearKey:
                writer.SetFloat($"{arch}.rope.scale_linear", factor);
                break;
            case TestRopeScaling.Yarn:
                writer.SetString($"{arch}.rope.scaling.type", "yarn");
                writer.SetFloat($"{arch}.rope.scaling.factor", factor);
                writer.SetUInt32($"{arch}.rope.scaling.original_context_length", (uint)(contextLength / factor));
                break;
        }
    }

    /// <summary>
    /// A tensor to generate: uniform values with standard deviation Std around Mean, or all ones when Std is null (norms).
    /// </summary>
    private sealed record TensorPlan(string Name, long[] Shape, float? Std, float Mean = 0f);

    private static List<TensorPlan> TensorsOf(TestModelSpec spec, TestModelPreset p, int headDim)
    {
        long e = p.EmbeddingLength, f = p.FeedForwardLength, d = headDim;
        long q = p.HeadCount * d, kv = p.HeadCountKv * d;
        // projections that write into the residual stream are scaled down with depth to keep activations sane
        var residualScale = 1f / MathF.Sqrt(2f * p.LayerCount);
        const float biasStd = 0.02f;

        var list = new List<TensorPlan> { new("output_norm.weight", [e], null) };
        // Llama 3.1's factors divide the low frequencies by up to 8; uniform in [1, 4] here
        if (spec.RopeFreqs)
            list.Add(new("rope_freqs.weight", [d / 2], 1.5f / MathF.Sqrt(3f), Mean: 2.5f));
        for (var i = 0; i < p.LayerCount; i++)
        {
            var b = $"blk.{i}.";
            list.Add(new(b + "attn_norm.weight", [e], null));
            list.Add(new(b + "attn_q.weight", [e, q], InputStd(e)));
            list.Add(new(b + "attn_k.weight", [e, kv], InputStd(e)));
            list.Add(new(b + "attn_v.weight", [e, kv], InputStd(e)));
            if (spec.HasQkvBiases)
            {
                list.Add(new(b + "attn_q.bias", [q], biasStd));
                list.Add(new(b + "attn_k.bias", [kv], biasStd));
                list.Add(new(b + "attn_v.bias", [kv], biasStd));
            }
            if (spec.Architecture == "qwen3")
            {
                list.Add(new(b + "attn_q_norm.weight", [d], null));
                list.Add(new(b + "attn_k_norm.weight", [d], null));
            }
            list.Add(new(b + "attn_output.weight", [q, e], InputStd(q) * residualScale));
            if (spec.HasOutputAndFfnBiases)
                list.Add(new(b + "attn_output.bias", [e], biasStd));
            list.Add(new(b + "ffn_norm.weight", [e], null));
            list.Add(new(b + "ffn_gate.weight", [e, f], InputStd(e)));
            list.Add(new(b + "ffn_up.weight", [e, f], InputStd(e)));
            list.Add(new(b + "ffn_down.weight", [f, e], InputStd(f) * residualScale));
            if (spec.HasOutputAndFfnBiases)
            {
                list.Add(new(b + "ffn_gate.bias", [f], biasStd));
                list.Add(new(b + "ffn_up.bias", [f], biasStd));
                list.Add(new(b + "ffn_down.bias", [e], biasStd));
            }
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
        for (long done = 0; done < count; done += ChunkElements)
        {
            var n = (int)Math.Min(ChunkElements, count - done);
            var chunk = values.AsSpan(0, n);
            if (amplitude is { } a)
            {
                for (var i = 0; i < n; i++)
                    chunk[i] = tensor.Mean + random.NextSymmetric() * a;
            }
            else
            {
                chunk.Fill(1f);
            }
            FloatTensorEncoding.Write(stream, chunk, type);
        }
    }
}
