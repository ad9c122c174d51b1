using JudgeApi.Llama.Gguf;
using JudgeApi.Training;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The seed model's recipe besides its corpus: its shape (a small llama-architecture model over
/// <see cref="ProofVocabulary"/>, about 1.2M parameters and 5 MB in F32) and how it is trained from scratch. The
/// reduced recipe is for a test that must finish in well under two minutes.
/// </summary>
public static class ProofModel
{
    /// <param name="vocabPath">The vocabulary file <see cref="ByteLevelBpe.WriteVocabFile"/> wrote.</param>
    public static TestModelPreset Preset(string vocabPath, bool reduced = false) => reduced
        ? new("proof-reduced", EmbeddingLength: 64, LayerCount: 2, FeedForwardLength: 192, HeadCount: 4, HeadCountKv: 4, ContextLength: 256,
            RopeFreqBase: 10000f, RmsNormEpsilon: 1e-5f, VocabFile: vocabPath)
        : new("proof", EmbeddingLength: 128, LayerCount: 4, FeedForwardLength: 384, HeadCount: 4, HeadCountKv: 4, ContextLength: 1024,
            RopeFreqBase: 10000f, RmsNormEpsilon: 1e-5f, VocabFile: vocabPath);

    /// <summary>AdamW from scratch: a short warm-up, a high peak (the model is small), cosine decay, one pass (the reduced recipe: three).</summary>
    public static TrainerOptions TrainerOptions(int seed, int threads, bool reduced = false) => new()
    {
        LearningRate = 3e-3f,
        WarmupFraction = 0.03f,
        FinalLearningRateFraction = 0.1f,
        WeightDecay = 0.01f,
        Epochs = reduced ? 3 : 1,
        BatchSize = 16,
        MaxSequenceLength = reduced ? 256 : 768,
        Seed = seed,
        Threads = threads,
    };
}
