using JudgeApi.Llama.Native;

namespace JudgeApi.Llama;

/// <summary>
/// Tokens for one <see cref="LlamaContext.Decode"/> call: each with a position, the sequences it belongs to,
/// and whether its logits are wanted. Wraps llama_batch_init / llama_batch_free.
/// </summary>
public sealed unsafe class LlamaBatch : IDisposable
{
    private readonly SafeLlamaBatchHandle _handle;

    public LlamaBatch(int capacity, int maxSequencesPerToken = 1)
    {
        if (capacity < 1)
            throw new LlamaArgumentException(nameof(capacity), $"A batch needs a capacity of at least 1 token, not {capacity}.");
        if (maxSequencesPerToken < 1)
            throw new LlamaArgumentException(nameof(maxSequencesPerToken), $"maxSequencesPerToken must be at least 1, not {maxSequencesPerToken}.");
        Capacity = capacity;
        MaxSequencesPerToken = maxSequencesPerToken;
        _handle = SafeLlamaBatchHandle.Create(capacity, maxSequencesPerToken);
    }

    public int Count { get; private set; }
    public int Capacity { get; }
    public int MaxSequencesPerToken { get; }

    internal SafeLlamaBatchHandle Handle => _handle;

    /// <summary>Adds a token of one sequence; returns its batch index (for <see cref="LlamaContext.GetLogits"/>).</summary>
    public int Add(int token, int position, int sequence, bool logits) => Add(token, position, [sequence], logits);

    /// <summary>Adds a token shared by several sequences (e.g. a common prefix); returns its batch index.</summary>
    public int Add(int token, int position, ReadOnlySpan<int> sequences, bool logits)
    {
        if (Count == Capacity)
            throw new LlamaArgumentException(nameof(token), $"The batch is full ({Capacity} tokens); decode it and Clear() it, or create a larger batch.");
        if (token < 0)
            throw new LlamaArgumentException(nameof(token), $"Token id {token} is negative.");
        if (position < 0)
            throw new LlamaArgumentException(nameof(position), $"Position {position} is negative.");
        if (sequences.Length < 1 || sequences.Length > MaxSequencesPerToken)
            throw new LlamaArgumentException(nameof(sequences), $"A token belongs to 1..{MaxSequencesPerToken} sequences in this batch, not {sequences.Length}.");
        foreach (var s in sequences)
        {
            if (s < 0)
                throw new LlamaArgumentException(nameof(sequences), $"Sequence id {s} is negative.");
        }

        using var lease = new HandleLease(_handle);
        var b = _handle.Batch;
        var i = Count;
        b->token[i] = token;
        b->pos[i] = position;
        b->n_seq_id[i] = sequences.Length;
        for (var s = 0; s < sequences.Length; s++)
            b->seq_id[i][s] = sequences[s];
        b->logits[i] = logits ? (sbyte)1 : (sbyte)0;
        Count = b->n_tokens = i + 1;
        return i;
    }

    public void Clear()
    {
        using var lease = new HandleLease(_handle);
        Count = _handle.Batch->n_tokens = 0;
    }

    /// <summary>Whether the token at index i asked for logits.</summary>
    internal bool WantsLogits(int i) => _handle.Batch->logits[i] != 0;

    public void Dispose() => _handle.Dispose();
}
