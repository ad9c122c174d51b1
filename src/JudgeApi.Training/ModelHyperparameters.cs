using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// The shape of a decoder as llama.cpp reads it from GGUF metadata (keys prefixed with the architecture name,
/// with llama.cpp's defaults where a key is optional), and its RoPE as llama.cpp's context computes it
/// (llama_context's yarn and scaling rules). What the trainer cannot build is refused here, naming the feature.
/// </summary>
internal sealed record ModelHyperparameters(
    string Architecture,
    int EmbeddingLength,
    int LayerCount,
    int FeedForwardLength,
    int HeadCount,
    int KvHeadCount,
    int HeadDim,
    int RopeDimensions,
    int RopeType,
    float RopeFreqBase,
    float RopeFreqScale,
    float RopeExtFactor,
    float RopeAttnFactor,
    int RopeOriginalContext,
    int TrainContextLength,
    float RmsNormEpsilon,
    int VocabSize)
{
    // YaRN's ramp (llama_hparams defaults; the llama and qwen loaders read no key for them)
    public const float RopeBetaFast = 32f, RopeBetaSlow = 1f;

    public static ModelHyperparameters Read(GgufModelFiles model)
    {
        var gguf = model.Metadata;
        var arch = gguf.Architecture ?? throw new TrainingModelException("The model has no general.architecture key; it is not a llama.cpp model file.");
        if (!DecoderArchitecture.Supported.Contains(arch))
            throw new TrainingModelException(
                $"Architecture '{arch}' is not supported by the trainer; supported: {string.Join(", ", DecoderArchitecture.Supported)}.");
        if (ReadInt(gguf, $"{arch}.expert_count") is > 0 and var experts)
            throw new TrainingModelException($"The model is a mixture of experts ({experts} experts per layer, as Mixtral); mixture of experts is not supported by the trainer.");

        int Required(string key) => ReadInt(gguf, $"{arch}.{key}")
            ?? throw new TrainingModelException($"The model lacks the required metadata key '{arch}.{key}'.");

        var embd = Required("embedding_length");
        var heads = Required("attention.head_count");
        var kvHeads = ReadInt(gguf, $"{arch}.attention.head_count_kv") ?? heads;
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
            throw new TrainingModelException($"attention.head_count {heads} must be a positive multiple of head_count_kv {kvHeads}.");
        var headDim = ReadInt(gguf, $"{arch}.attention.key_length") ?? embd / heads;
        var valueDim = ReadInt(gguf, $"{arch}.attention.value_length") ?? embd / heads;
        if (valueDim != headDim)
            throw new TrainingModelException($"attention.value_length {valueDim} differs from key_length {headDim}; the trainer needs them equal.");
        var ropeDimensions = ReadInt(gguf, $"{arch}.rope.dimension_count") ?? headDim;
        if (ropeDimensions != headDim)
            throw new TrainingModelException($"rope.dimension_count {ropeDimensions} differs from the head size {headDim}; partial RoPE is not supported by the trainer.");
        var trainContext = Required("context_length");
        var rope = ReadRope(gguf, arch);

        var embedding = model.FindTensor("token_embd.weight")
            ?? throw new TrainingModelException("The model has no token_embd.weight tensor.");

        return new ModelHyperparameters(
            Architecture: arch,
            EmbeddingLength: embd,
            LayerCount: Required("block_count"),
            FeedForwardLength: Required("feed_forward_length"),
            HeadCount: heads,
            KvHeadCount: kvHeads,
            HeadDim: headDim,
            RopeDimensions: ropeDimensions,
            // llama.cpp's llama_model_rope_type: LLAMA_ROPE_TYPE_NORM for llama, NEOX for the qwen family.
            RopeType: arch == DecoderArchitecture.Llama ? NativeApi.GGML_ROPE_TYPE_NORMAL : NativeApi.GGML_ROPE_TYPE_NEOX,
            RopeFreqBase: ReadFloat(gguf, $"{arch}.rope.freq_base") ?? 10000f,
            RopeFreqScale: rope.FreqScale,
            RopeExtFactor: rope.ExtFactor,
            RopeAttnFactor: rope.AttnFactor,
            RopeOriginalContext: ReadInt(gguf, $"{arch}.rope.scaling.original_context_length") ?? trainContext,
            TrainContextLength: trainContext,
            RmsNormEpsilon: ReadFloat(gguf, $"{arch}.attention.layer_norm_rms_epsilon") ?? 1e-5f,
            VocabSize: checked((int)embedding.Info.Shape[1]));
    }

    /// <summary>
    /// RoPE scaling as llama.cpp applies it: the type defaults to linear when only a factor is given (also under the
    /// old key rope.scale_linear); "none" ignores the factor; YaRN extrapolates (ext_factor 1) with its attention
    /// factor, which cancels ggml's own magnitude scaling unless the model says otherwise.
    /// </summary>
    private static (float FreqScale, float ExtFactor, float AttnFactor) ReadRope(GgufFile gguf, string arch)
    {
        var type = gguf.TryGetString($"{arch}.rope.scaling.type", out var named) ? named : "linear";
        if (type == "longrope")
            throw new TrainingModelException("The model uses LongRoPE scaling (per-frequency long and short factors, as Phi-3); LongRoPE is not supported by the trainer.");
        if (type is not ("none" or "linear" or "yarn"))
            throw new TrainingModelException($"RoPE scaling '{type}' is not one llama.cpp knows (none, linear, yarn, longrope).");
        var factor = ReadFloat(gguf, $"{arch}.rope.scaling.factor") ?? ReadFloat(gguf, $"{arch}.rope.scale_linear") ?? 0f;
        var freqScale = type == "none" || factor == 0f ? 1f : 1f / factor;
        var attnFactor = ReadFloat(gguf, $"{arch}.rope.scaling.attn_factor") ?? 1f;
        if (type != "yarn")
            return (freqScale, 0f, attnFactor);

        var scale = 1f / freqScale;
        var mscale = scale <= 1f ? 1f : 0.1f * MathF.Log(scale) + 1f;
        return (freqScale, 1f, mscale / (1f + 0.1f * MathF.Log(scale)) * attnFactor);
    }

    private static int? ReadInt(GgufFile gguf, string key) =>
        gguf.TryGetUInt32(key, out var value) ? checked((int)value) : null;

    private static float? ReadFloat(GgufFile gguf, string key) =>
        gguf.TryGetFloat(key, out var value) ? value : null;
}
