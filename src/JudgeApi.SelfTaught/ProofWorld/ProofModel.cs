using JudgeApi.Llama.Gguf;
using JudgeApi.Training;

namespace JudgeApi.SelfTaught;

/// <summary>What training the seed model made, besides the model file.</summary>
public sealed record ProofModelBuild(TrainingResult Training, int VocabularySize, IReadOnlyDictionary<string, int> CorpusExamples, TimeSpan PrepareTime);

/// <summary>
/// The seed model's recipe besides its corpus: its shape (a small llama-architecture model over
/// <see cref="ProofVocabulary"/>, about 1.2M parameters and 5 MB in F32) and how it is trained from scratch with the
/// full-parameter trainer. The reduced recipe is for a test that must finish in well under two minutes.
/// </summary>
public static class ProofModel
{
    /// <summary>
    /// The reasoning budget the seed judge is measured with, and the experiment's (<c>bench/selftaught.py</c>:
    /// <c>MaxJudgeReasoningTokens</c>, <c>Evaluation:MaxReasoningTokens</c>): a careful judgment of the corpus fits in it
    /// with room to spare, so the verdict is never forced after a reasoning cut short.
    /// </summary>
    public const int ReasoningTokens = 104;

    /// <param name="vocabPath">The vocabulary file <see cref="ByteLevelBpe.WriteVocabFile"/> wrote.</param>
    public static TestModelPreset Preset(string vocabPath, bool reduced = false) => reduced
        ? new("proof-reduced", EmbeddingLength: 64, LayerCount: 2, FeedForwardLength: 192, HeadCount: 4, HeadCountKv: 4, ContextLength: 512,
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

    /// <summary>
    /// The seed model's vocabulary and random initial weights for <paramref name="seed"/> (optionally another depth),
    /// written into <paramref name="work"/>: where the seed model and the probes start. Returns the model's path and the vocabulary's size.
    /// </summary>
    public static (string Path, int VocabularySize) WriteInitialModel(string work, int seed, bool reduced = false, int? layers = null)
    {
        var vocabPath = Path.Combine(work, "vocab.gguf");
        var bpe = ProofVocabulary.Learn(seed);
        bpe.WriteVocabFile(vocabPath);
        var initial = Path.Combine(work, "initial.gguf");
        var preset = Preset(vocabPath, reduced);
        TestModelWriter.Write(preset with { LayerCount = layers ?? preset.LayerCount }, new TestModelSpec(Seed: seed), initial);
        return (initial, bpe.Tokens.Count);
    }

    /// <summary>
    /// Learns the vocabulary, writes a model with random weights over it, renders the corpus and trains every weight
    /// on it into <paramref name="outPath"/> (F32). <paramref name="work"/> holds the intermediate files.
    /// </summary>
    public static async Task<ProofModelBuild> TrainAsync(string outPath, int seed, bool reduced, int threads, string work,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (initial, vocabularySize) = WriteInitialModel(work, seed, reduced);
        var corpus = SeedCorpus.Build(seed, reduced ? SeedRecipe.Reduced : new SeedRecipe());
        var prepared = clock.Elapsed;
        var training = await new FullParameterTrainer(TrainerOptions(seed, threads, reduced))
            .TrainAsync(initial, corpus.Select(e => e.ToTrainingExample()), outPath, progress, cancellationToken);
        return new ProofModelBuild(training, vocabularySize, corpus.GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Count()), prepared);
    }
}
