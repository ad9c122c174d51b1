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

    /// <summary>
    /// How long the context's decode threads spin for the next decode before they sleep: 0 (at once) to 100 (longest),
    /// as llama.cpp's --poll. Spinning saves a wake-up per decode on idle cores and steals time from other work on busy ones.
    /// </summary>
    public int Poll { get; init; } = 50;

    /// <summary>One KV buffer for all sequences (any sequence may use any free position).</summary>
    public bool KvUnified { get; init; } = true;
}
