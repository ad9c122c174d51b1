namespace JudgeApi.Llama;

/// <summary>How <see cref="LlamaModel.Load"/> loads a model.</summary>
public sealed record ModelOptions
{
    /// <summary>Layers offloaded to a GPU backend; 0 keeps everything on the CPU, -1 offloads all.</summary>
    public int GpuLayers { get; init; } = 0;

    /// <summary>Memory-map the file instead of reading it into memory.</summary>
    public bool UseMmap { get; init; } = true;

    /// <summary>
    /// Let the CPU backend repack quantized weights into its interleaved layouts (faster matmuls, llama.cpp's default);
    /// off, it computes on the weights as stored, with the kernels the trainer's graphs use.
    /// </summary>
    public bool RepackWeights { get; init; } = true;

    /// <summary>Load only the tokenizer (no weights): enough for tokenizing, not for a context.</summary>
    public bool VocabOnly { get; init; } = false;
}
