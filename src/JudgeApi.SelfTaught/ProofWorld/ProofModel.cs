using JudgeApi.Llama.Gguf;

namespace JudgeApi.SelfTaught;

/// <summary>The seed model's shape: a small llama-architecture model over <see cref="ProofVocabulary"/> (about 1.2M parameters, 5 MB in F32).</summary>
public static class ProofModel
{
    /// <param name="vocabPath">The vocabulary file <see cref="ByteLevelBpe.WriteVocabFile"/> wrote.</param>
    public static TestModelPreset Preset(string vocabPath) =>
        new("proof", EmbeddingLength: 128, LayerCount: 4, FeedForwardLength: 384, HeadCount: 4, HeadCountKv: 4, ContextLength: 1024,
            RopeFreqBase: 10000f, RmsNormEpsilon: 1e-5f, VocabFile: vocabPath);
}
