namespace JudgeApi.Llama;

/// <summary>How a <see cref="LlamaContext"/> is sized.</summary>
public sealed record ContextOptions
{
    /// <summary>KV cache positions (llama.cpp rounds up to a multiple of 256), shared by all sequences when <see cref="KvUnified"/>, else split evenly.</summary>
    public int ContextSize { get; init; } = 4096;

    /// <summary>Most tokens one <see cref="LlamaContext.Decode"/> call accepts.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Tokens computed per graph evaluation (at most BatchSize).</summary>
    public int MicroBatchSize { get; init; } = 512;

    /// <summary>Independent sequences (ids 0..Sequences-1) the context can hold.</summary>
    public int Sequences { get; init; } = 1;

    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>One KV buffer for all sequences (any sequence may use any free position).</summary>
    public bool KvUnified { get; init; } = true;
}
