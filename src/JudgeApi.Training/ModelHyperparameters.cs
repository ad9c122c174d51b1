using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// The shape of a decoder as llama.cpp reads it from GGUF metadata (keys prefixed with the architecture name,
/// with llama.cpp's defaults where a key is optional).
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
    int TrainContextLength,
    float RmsNormEpsilon,
    int VocabSize)
{
    public static ModelHyperparameters Read(GgufFile gguf)
    {
        var arch = gguf.Architecture ?? throw new TrainingModelException("The model has no general.architecture key; it is not a llama.cpp model file.");
        if (!DecoderArchitecture.Supported.Contains(arch))
            throw new TrainingModelException(
                $"Architecture '{arch}' is not supported by the LoRA trainer; supported: {string.Join(", ", DecoderArchitecture.Supported)}.");

        int Required(string key) => ReadInt(gguf, $"{arch}.{key}")
            ?? throw new TrainingModelException($"The model lacks the required metadata key '{arch}.{key}'.");

        var embd = Required("embedding_length");
        var heads = Required("attention.head_count");
        var kvHeads = ReadInt(gguf, $"{arch}.attention.head_count_kv") ?? heads;
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
            throw new TrainingModelException($"attention.head_count {heads} must be a positive multiple of head_count_kv {kvHeads}.");
        var headDim = ReadInt(gguf, $"{arch}.attention.key_length") ?? embd / heads;
        var valueDim = ReadInt(gguf, $"{arch}.attention.value_length") ?? headDim;
        if (valueDim != headDim)
            throw new TrainingModelException($"attention.value_length {valueDim} differs from key_length {headDim}; the trainer needs them equal.");

        var freqScale = 1f;
        if (gguf.TryGetString($"{arch}.rope.scaling.type", out var scalingType) && scalingType is not ("none" or "linear"))
            throw new TrainingModelException($"RoPE scaling '{scalingType}' is not supported by the trainer (only none and linear).");
        if (scalingType == "linear" && ReadFloat(gguf, $"{arch}.rope.scaling.factor") is { } factor and > 0)
            freqScale = 1f / factor;

        var embedding = gguf.FindTensor("token_embd.weight")
            ?? throw new TrainingModelException("The model has no token_embd.weight tensor.");

        return new ModelHyperparameters(
            Architecture: arch,
            EmbeddingLength: embd,
            LayerCount: Required("block_count"),
            FeedForwardLength: Required("feed_forward_length"),
            HeadCount: heads,
            KvHeadCount: kvHeads,
            HeadDim: headDim,
            RopeDimensions: ReadInt(gguf, $"{arch}.rope.dimension_count") ?? headDim,
            // llama.cpp's llama_model_rope_type: LLAMA_ROPE_TYPE_NORM for llama, NEOX for the qwen family.
            RopeType: arch == DecoderArchitecture.Llama ? NativeApi.GGML_ROPE_TYPE_NORMAL : NativeApi.GGML_ROPE_TYPE_NEOX,
            RopeFreqBase: ReadFloat(gguf, $"{arch}.rope.freq_base") ?? 10000f,
            RopeFreqScale: freqScale,
            TrainContextLength: Required("context_length"),
            RmsNormEpsilon: ReadFloat(gguf, $"{arch}.attention.layer_norm_rms_epsilon") ?? 1e-5f,
            VocabSize: checked((int)embedding.Shape[1]));
    }

    private static int? ReadInt(GgufFile gguf, string key) =>
        gguf.TryGetUInt32(key, out var value) ? checked((int)value) : null;

    private static float? ReadFloat(GgufFile gguf, string key) =>
        gguf.TryGetFloat(key, out var value) ? value : null;
}
