namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Dimensions of a generated model. "tiny" is for tests (a few MB, fast on 2 cores); the others copy the
/// shapes of real small models, so benchmarks on them cost what the real model costs.
/// </summary>
public sealed record TestModelPreset(
    string Name,
    int EmbeddingLength,
    int LayerCount,
    int FeedForwardLength,
    int HeadCount,
    int HeadCountKv,
    int ContextLength,
    float RopeFreqBase,
    float RmsNormEpsilon,
    string VocabFile)
{
    public int HeadDim => EmbeddingLength / HeadCount;

    public static TestModelPreset Tiny { get; } = new("tiny", 64, 2, 128, 4, 2, 8192, 10000f, 1e-5f, GptVocab);

    /// <summary>As tiny, with rows 256 wide: the smallest shape whose weights llama.cpp's Q4_K_M mix stores in Q4_K and Q6_K.</summary>
    public static TestModelPreset Tiny256 { get; } = new("tiny-256", 256, 2, 512, 4, 2, 8192, 10000f, 1e-5f, GptVocab);

    public static TestModelPreset SmolLm2_135M { get; } = new("smollm2-135m", 576, 30, 1536, 9, 3, 8192, 100000f, 1e-5f, GptVocab);

    public static TestModelPreset Qwen25_05B { get; } = new("qwen2.5-0.5b", 896, 24, 4864, 14, 2, 32768, 1000000f, 1e-6f, QwenVocab);

    /// <summary>Llama 3 8B's shape (GPU benchmarks: costs what the real model costs).</summary>
    public static TestModelPreset Llama3_8B { get; } = new("llama3-8b", 4096, 32, 14336, 32, 8, 8192, 500000f, 1e-5f, LlamaBpeVocab);

    public static IReadOnlyList<TestModelPreset> All { get; } = [Tiny, Tiny256, SmolLm2_135M, Qwen25_05B, Llama3_8B];

    /// <summary>The preset with this name, or null.</summary>
    public static TestModelPreset? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    // vocabularies from the llama.cpp source bundle, copied next to the assembly by the build
    private const string GptVocab = "ggml-vocab-gpt-2.gguf";
    private const string QwenVocab = "ggml-vocab-qwen2.gguf";
    private const string LlamaBpeVocab = "ggml-vocab-llama-bpe.gguf";
}
