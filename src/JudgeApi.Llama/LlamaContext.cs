using JudgeApi.Llama.Native;

namespace JudgeApi.Llama;

/// <summary>
/// An inference context over a model: a KV cache holding up to <see cref="SequenceCount"/> sequences and the
/// logits of the last decode. Not thread-safe: one owner at a time.
/// </summary>
public sealed unsafe class LlamaContext : IDisposable
{
    private readonly SafeLlamaContextHandle _handle;
    private readonly IntPtr _memory; // owned by the context; used under a lease of _handle
    private readonly bool[] _hasLogits; // per batch index of the last successful decode
    private readonly bool _kvUnified;
    private int _lastDecodeCount;

    public LlamaContext(LlamaModel model, ContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (model.IsVocabOnly)
            throw new LlamaContextException($"Model '{model.Path}' was loaded with VocabOnly; load it with weights to create a context.");
        Validate(options);

        var @params = NativeApi.llama_context_default_params();
        @params.n_ctx = (uint)options.ContextSize;
        @params.n_batch = (uint)options.BatchSize;
        @params.n_ubatch = (uint)options.MicroBatchSize;
        @params.n_seq_max = (uint)options.Sequences;
        // Any token of a batch may ask for logits; llama.cpp also sizes its output buffer for a row per sequence and
        // aborts (GGML_ASSERT) if that is more than n_outputs_max, as with more sequences than BatchSize.
        @params.n_outputs_max = (uint)Math.Max(options.BatchSize, options.Sequences);
        @params.n_threads = options.Threads;
        @params.n_threads_batch = options.Threads;
        @params.kv_unified = options.KvUnified;
        @params.no_perf = true;

        LlamaLog.BeginCapture();
        _handle = SafeLlamaContextHandle.Create(model.Handle, @params)
            ?? throw new LlamaContextException(
                $"llama.cpp could not create a context ({options}): {LlamaLog.TakeErrors("no reason given")}. Try a smaller ContextSize or BatchSize.");
        using (var threadpool = SafeGgmlThreadpoolHandle.TryCreate(options.Threads, options.Poll))
        {
            // The context keeps its own reference; without a pool ggml starts one for every decode.
            if (threadpool is not null)
                _handle.AttachThreadpool(threadpool);
            HasThreadpool = threadpool is not null;
        }
        Model = model;
        ContextSize = (int)NativeApi.llama_n_ctx(_handle);
        SequenceContextSize = (int)NativeApi.llama_n_ctx_seq(_handle);
        BatchSize = (int)NativeApi.llama_n_batch(_handle);
        SequenceCount = (int)NativeApi.llama_n_seq_max(_handle);
        _memory = NativeApi.llama_get_memory(_handle);
        _kvUnified = options.KvUnified;
        _hasLogits = new bool[BatchSize];
    }

    public LlamaModel Model { get; }
    public int ContextSize { get; }

    /// <summary>Positions one sequence can use: ContextSize with a unified KV cache, else ContextSize / SequenceCount.</summary>
    public int SequenceContextSize { get; }

    public int BatchSize { get; }
    public int SequenceCount { get; }

    /// <summary>One KV buffer of <see cref="ContextSize"/> cells for all sequences (see <see cref="ContextOptions.KvUnified"/>).</summary>
    public bool KvUnified => _kvUnified;

    internal SafeLlamaContextHandle Handle => _handle;

    /// <summary>Decodes run on a ggml thread pool of this context's own (the CPU backend offers one).</summary>
    internal bool HasThreadpool { get; }

    /// <summary>Most sequences one context can hold (llama.cpp's LLAMA_MAX_SEQ).</summary>
    public static int MaxSequences => (int)NativeApi.llama_max_parallel_sequences();

    /// <summary>Runs the model over a batch, adding its tokens to the KV cache and computing the requested logits.</summary>
    public void Decode(LlamaBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var lease = new HandleLease(_handle);
        using var batchLease = new HandleLease(batch.Handle);
        var b = batch.Handle.Batch;
        var count = batch.Count;
        if (count == 0)
            throw new LlamaArgumentException(nameof(batch), "The batch is empty; add tokens before decoding.");
        if (count > BatchSize)
            throw new LlamaArgumentException(nameof(batch), $"The batch holds {count} tokens but this context decodes at most {BatchSize} at once (ContextOptions.BatchSize); split it.");
        for (var i = 0; i < count; i++)
        {
            Model.CheckToken(b->token[i], nameof(batch));
            if (b->pos[i] >= SequenceContextSize)
                throw new LlamaPromptTooLongException(b->pos[i] + 1, SequenceContextSize);
            for (var s = 0; s < b->n_seq_id[i]; s++)
                CheckSequence(b->seq_id[i][s], nameof(batch));
        }

        _lastDecodeCount = 0;
        LlamaLog.BeginCapture();
        var rc = NativeApi.llama_decode(_handle, *b);
        if (rc != 0)
        {
            var log = LlamaLog.TakeErrors("");
            throw new LlamaDecodeException(rc switch
            {
                1 => $"No room in the KV cache for {count} tokens (context size {ContextSize}); remove tokens with RemoveTokens/ClearMemory or use a larger ContextSize.",
                2 => "Decoding was aborted.",
                -1 => $"llama.cpp rejected the batch: {log} Positions of each sequence must continue right after its last position (MaxPosition + 1).",
                _ => $"llama_decode failed with {rc}: {log}",
            });
        }
        for (var i = 0; i < count; i++)
            _hasLogits[i] = batch.WantsLogits(i);
        _lastDecodeCount = count;
    }

    /// <summary>
    /// The VocabSize logits of a batch index of the last <see cref="Decode"/> (which must have asked for them).
    /// The span is valid until the next Decode or Dispose.
    /// </summary>
    public ReadOnlySpan<float> GetLogits(int batchIndex) => new(LogitsRow(batchIndex), Model.VocabSize);

    /// <summary>Where <see cref="GetLogits"/>'s row starts: VocabSize floats, valid until the next Decode or Dispose.</summary>
    internal float* LogitsRow(int batchIndex)
    {
        EnsureLogits(batchIndex);
        using var lease = new HandleLease(_handle);
        var logits = NativeApi.llama_get_logits_ith(_handle, batchIndex);
        if (logits == null)
            throw new LlamaDecodeException($"llama.cpp has no logits for batch index {batchIndex}.");
        return logits;
    }

    /// <summary>Empties the KV cache of every sequence.</summary>
    public void ClearMemory()
    {
        using var lease = new HandleLease(_handle);
        NativeApi.llama_memory_clear(_memory, true);
    }

    /// <summary>Removes positions [fromPos, toPos) of a sequence (-1 = all sequences; negative bounds = open).</summary>
    public void RemoveTokens(int seq, int fromPos = -1, int toPos = -1)
    {
        if (seq != -1)
            CheckSequence(seq, nameof(seq));
        using var lease = new HandleLease(_handle);
        if (!NativeApi.llama_memory_seq_rm(_memory, seq, fromPos, toPos))
            throw new LlamaContextException($"Could not remove positions [{fromPos}, {toPos}) of sequence {seq}; this model's memory only removes whole sequences.");
    }

    /// <summary>
    /// Makes positions [fromPos, toPos) of src also belong to dst (no copy with a unified KV cache). Without a
    /// unified KV cache only whole sequences can be copied (llama.cpp aborts the process otherwise).
    /// </summary>
    public void CopySequence(int src, int dst, int fromPos = -1, int toPos = -1)
    {
        CheckSequence(src, nameof(src));
        CheckSequence(dst, nameof(dst));
        if (!_kvUnified && src != dst && (fromPos > 0 || toPos >= 0))
            throw new LlamaArgumentException(nameof(fromPos),
                "Without a unified KV cache (ContextOptions.KvUnified) only whole sequences can be copied; pass fromPos = toPos = -1.");
        using var lease = new HandleLease(_handle);
        NativeApi.llama_memory_seq_cp(_memory, src, dst, fromPos, toPos);
    }

    /// <summary>Largest position held for a sequence, -1 when it is empty.</summary>
    public int MaxPosition(int seq)
    {
        CheckSequence(seq, nameof(seq));
        using var lease = new HandleLease(_handle);
        return NativeApi.llama_memory_seq_pos_max(_memory, seq);
    }

    /// <summary>Replaces the context's LoRA adapters (each with its scale); an empty list removes them.</summary>
    public void SetLoraAdapters(IReadOnlyList<(LoraAdapter Adapter, float Scale)> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        var handles = new SafeLlamaAdapterLoraHandle[adapters.Count];
        var scales = new float[adapters.Count];
        for (var i = 0; i < adapters.Count; i++)
        {
            var (adapter, scale) = adapters[i];
            ArgumentNullException.ThrowIfNull(adapter, nameof(adapters));
            if (adapter.Model != Model)
                throw new LlamaAdapterException($"Adapter '{adapter.Path}' was loaded for another model; load it with LoraAdapter.Load(context.Model, path).");
            if (!float.IsFinite(scale))
                throw new LlamaArgumentException(nameof(adapters), $"The scale of adapter '{adapter.Path}' is {scale}; use a finite number.");
            if (Array.IndexOf(handles, adapter.Handle, 0, i) >= 0)
                throw new LlamaArgumentException(nameof(adapters), $"Adapter '{adapter.Path}' is listed twice; give it once with the summed scale.");
            handles[i] = adapter.Handle;
            scales[i] = scale;
        }
        _handle.SetAdapters(handles, scales);
    }

    /// <summary>
    /// Decodes the prompt after whatever the sequence already holds, then samples until an end-of-generation
    /// token, maxTokens tokens, or a full sequence. The last sampled token is not decoded into the KV cache.
    /// </summary>
    public LlamaGeneration Generate(IReadOnlyList<int> prompt, LlamaSampler sampler, int maxTokens, int sequence = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(sampler);
        if (prompt.Count == 0)
            throw new LlamaArgumentException(nameof(prompt), "The prompt is empty; generation needs at least one token to start from.");
        if (maxTokens < 1)
            throw new LlamaArgumentException(nameof(maxTokens), $"maxTokens must be at least 1, not {maxTokens}.");
        CheckSequence(sequence, nameof(sequence));
        for (var i = 0; i < prompt.Count; i++)
            Model.CheckToken(prompt[i], nameof(prompt));
        var position = MaxPosition(sequence) + 1;
        if (position + prompt.Count > SequenceContextSize)
            throw new LlamaPromptTooLongException(position + prompt.Count, SequenceContextSize);

        using var batch = new LlamaBatch(BatchSize);
        var last = 0;
        for (var start = 0; start < prompt.Count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            var end = Math.Min(prompt.Count, start + BatchSize);
            for (var i = start; i < end; i++)
                last = batch.Add(prompt[i], position++, sequence, logits: i == prompt.Count - 1);
            Decode(batch);
        }

        var tokens = new List<int>();
        GenerationStopReason reason;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = sampler.Sample(this, last);
            if (Model.IsEndOfGeneration(token))
            {
                reason = GenerationStopReason.EndOfGeneration;
                break;
            }
            tokens.Add(token);
            if (tokens.Count == maxTokens)
            {
                reason = GenerationStopReason.MaxTokens;
                break;
            }
            if (position >= SequenceContextSize)
            {
                reason = GenerationStopReason.ContextFull;
                break;
            }
            batch.Clear();
            last = batch.Add(token, position++, sequence, logits: true);
            Decode(batch);
        }
        return new LlamaGeneration([.. tokens], Model.Detokenize(tokens.ToArray()), reason);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Throws unless the last Decode computed logits for this batch index.</summary>
    internal void EnsureLogits(int batchIndex)
    {
        if ((uint)batchIndex >= (uint)_lastDecodeCount || !_hasLogits[batchIndex])
            throw new LlamaArgumentException(nameof(batchIndex),
                $"Batch index {batchIndex} has no logits: add the token with logits: true and Decode the batch first (the last decode had {_lastDecodeCount} tokens).");
    }

    private void CheckSequence(int seq, string paramName)
    {
        if ((uint)seq >= (uint)SequenceCount)
            throw new LlamaArgumentException(paramName, $"Sequence id {seq} is out of range: this context holds sequences 0..{SequenceCount - 1} (ContextOptions.Sequences).");
    }

    private static void Validate(ContextOptions o)
    {
        if (o.ContextSize < 1)
            throw new LlamaContextException($"ContextSize must be positive, not {o.ContextSize}.");
        if (o.BatchSize < 1)
            throw new LlamaContextException($"BatchSize must be positive, not {o.BatchSize}.");
        if (o.MicroBatchSize < 1 || o.MicroBatchSize > o.BatchSize)
            throw new LlamaContextException($"MicroBatchSize must be between 1 and BatchSize ({o.BatchSize}), not {o.MicroBatchSize}.");
        var maxSequences = MaxSequences;
        if (o.Sequences < 1 || o.Sequences > maxSequences)
            throw new LlamaContextException($"Sequences must be between 1 and {maxSequences}, not {o.Sequences}.");
        if (o.Threads < 1 || o.Threads > ggml_threadpool_params.GGML_MAX_N_THREADS)
            throw new LlamaContextException($"Threads must be between 1 and {ggml_threadpool_params.GGML_MAX_N_THREADS}, not {o.Threads}.");
        if (o.Poll is < 0 or > 100)
            throw new LlamaContextException($"Poll must be between 0 and 100, not {o.Poll}.");
    }
}
