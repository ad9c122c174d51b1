using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>How a generated model scales RoPE: the GGUF keys real converted models carry.</summary>
public enum TestRopeScaling
{
    None,
    /// <summary>rope.scaling.type = linear, rope.scaling.factor = 4.</summary>
    Linear,
    /// <summary>rope.scaling.factor = 4 without a type key (llama.cpp treats it as linear).</summary>
    LinearWithoutType,
    /// <summary>The old key rope.scale_linear = 4 (llama.cpp reads it when rope.scaling.factor is absent).</summary>
    ScaleLinearKey,
    /// <summary>rope.scaling.type = yarn, factor 4, rope.scaling.original_context_length = context / 4.</summary>
    Yarn,
}

/// <summary>
/// What <see cref="TestModelWriter"/> generates: an architecture (llama, qwen2, qwen3), a preset of dimensions
/// (<see cref="TestModelPreset"/>), a weight type (F32, F16, Q8_0, Q4_K) and the seed of the random weights, plus the
/// properties real models have (all off by default, which keeps the bytes of the plain models unchanged).
/// </summary>
/// <param name="Vocab">The tokenizer: a vocab file of the llama.cpp bundle (its name next to the binaries, or a path);
/// null: the preset's.</param>
/// <param name="ChatTemplate">The <c>tokenizer.chat_template</c> to write (Jinja source); null: ChatML; empty: none.</param>
public sealed record TestModelSpec(string Architecture = "llama", string Preset = "tiny", GgmlType Type = GgmlType.F32, int Seed = 42,
    string? Vocab = null, string? ChatTemplate = null)
{
    public static IReadOnlyList<string> Architectures { get; } = ["llama", "qwen2", "qwen3"];

    public static IReadOnlyList<GgmlType> Types { get; } = [GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_K];

    /// <summary>A separate output.weight, as Llama 2/3 7-8B and Mistral have (otherwise token_embd doubles as the output, as in small models).</summary>
    public bool UntiedOutput { get; init; }

    /// <summary>rope_freqs.weight, Llama 3.1's per-frequency RoPE factors (llama only).</summary>
    public bool RopeFreqs { get; init; }

    /// <summary>
    /// Biases: null, the architecture's own (qwen2: q, k, v; llama and qwen3: none); true, every bias llama.cpp loads
    /// for the architecture (llama: q, k, v, o and the FFN; qwen2 and qwen3: q, k, v); false, none (a qwen2 without them).
    /// </summary>
    public bool? Biases { get; init; }

    public TestRopeScaling RopeScaling { get; init; } = TestRopeScaling.None;

    /// <summary>attention.key_length / value_length when the head size is not embd / heads (as Qwen3 and Gemma); null: embd / heads.</summary>
    public int? HeadDim { get; init; }

    /// <summary>Files the model is split into, as gguf-split writes them (&lt;name&gt;-00001-of-0000N.gguf …); 1: one file.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Whether the model has biases on q, k and v.</summary>
    public bool HasQkvBiases => Biases ?? Architecture == "qwen2";

    /// <summary>Whether the model has biases on the attention output and the FFN (llama.cpp loads them for llama only).</summary>
    public bool HasOutputAndFfnBiases => Biases == true && Architecture == "llama";

    /// <summary>
    /// A file name that tells every spec apart (a hash of every field, null apart from empty, so specs that differ only
    /// in a vocab or a template get their own file); for a split model, the first shard's (the one to load).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string FileName
    {
        get
        {
            var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(this)))[..12];
            var name = $"{Architecture}-{Preset}-{Type}-{Seed}-{id}".ToLowerInvariant();
            return Shards > 1 ? $"{name}-00001-of-{Shards:D5}.gguf" : $"{name}.gguf";
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the allowed values when a field is not supported.</summary>
    public void Validate()
    {
        if (!Architectures.Contains(Architecture))
            throw new ArgumentException($"Architecture '{Architecture}' is not supported; use one of: {string.Join(", ", Architectures)}.", nameof(Architecture));
        if (TestModelPreset.Find(Preset) is not { } preset)
            throw new ArgumentException($"Preset '{Preset}' is not known; use one of: {string.Join(", ", TestModelPreset.All.Select(p => p.Name))}.", nameof(Preset));
        if (!Types.Contains(Type))
            throw new ArgumentException($"Type {Type} is not supported; use one of: {string.Join(", ", Types)}.", nameof(Type));
        if (RopeFreqs && Architecture != "llama")
            throw new ArgumentException($"rope_freqs.weight is a llama tensor; llama.cpp does not load it for {Architecture}.", nameof(RopeFreqs));
        if (HeadDim is < 2 or > 1024 || HeadDim % 2 == 1)
            throw new ArgumentException($"HeadDim must be an even number from 2 to 1024, got {HeadDim}.", nameof(HeadDim));
        if (Shards < 1 || Shards > preset.LayerCount + 1)
            throw new ArgumentException($"Shards must be from 1 to {preset.LayerCount + 1} (one per layer and one for the rest), got {Shards}.", nameof(Shards));
    }
}
