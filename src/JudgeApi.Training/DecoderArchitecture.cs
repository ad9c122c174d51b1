namespace JudgeApi.Training;

/// <summary>The decoder families the trainer builds graphs for (general.architecture values of GGUF).</summary>
public static class DecoderArchitecture
{
    /// <summary>Llama 2/3, Mistral, SmolLM, TinyLlama: pre-norm, RMS norm, RoPE (normal), GQA, SwiGLU.</summary>
    public const string Llama = "llama";

    /// <summary>As llama, with biases on q/k/v and NeoX RoPE.</summary>
    public const string Qwen2 = "qwen2";

    /// <summary>As llama, with RMS norm on each head of q and k and NeoX RoPE.</summary>
    public const string Qwen3 = "qwen3";

    public static IReadOnlyList<string> Supported { get; } = [Llama, Qwen2, Qwen3];
}
