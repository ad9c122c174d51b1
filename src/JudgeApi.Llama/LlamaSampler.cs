using JudgeApi.Llama.Native;

namespace JudgeApi.Llama;

/// <summary>
/// A llama_sampler chain built from <see cref="SamplingOptions"/>: grammar (if any), then greedy, or
/// top-k / top-p / min-p / temperature and a seeded random draw. Greedy without a grammar reads the argmax straight
/// from the logits, as llama.cpp's greedy sampler picks it (the first largest), without building the vocabulary-wide
/// candidate array each token; the other chains need every candidate (top-p normalises over the whole vocabulary).
/// One thread at a time per sampler; different samplers may draw at once (<see cref="SampleEach"/>).
/// </summary>
public sealed unsafe class LlamaSampler : IDisposable
{
    private readonly SafeLlamaSamplerHandle _chain;
    private readonly LlamaModel _model;
    private readonly bool _hasGrammar;
    private readonly bool _plainGreedy;
    [ThreadStatic] private static llama_token_data[]? t_candidates; // scratch for one draw at a time on each thread

    public LlamaSampler(LlamaModel model, SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _model = model;
        _chain = SafeLlamaSamplerHandle.CreateChain(model.Handle);
        try
        {
            if (options.Grammar is { } grammar)
            {
                using var lease = new HandleLease(model.Handle);
                LlamaLog.BeginCapture();
                var sampler = NativeApi.llama_sampler_init_grammar(NativeApi.llama_model_get_vocab(model.Handle), grammar, options.GrammarRoot);
                if (sampler == IntPtr.Zero)
                    throw new LlamaGrammarException(
                        $"The GBNF grammar does not parse or has no rule '{options.GrammarRoot}': {LlamaLog.TakeErrors("no details")}");
                _chain.Add(sampler, "grammar");
                _hasGrammar = true;
            }
            if (options.Temperature == 0)
            {
                _chain.Add(NativeApi.llama_sampler_init_greedy(), "greedy");
                _plainGreedy = !_hasGrammar;
                return;
            }
            if (options.TopK > 0)
                _chain.Add(NativeApi.llama_sampler_init_top_k(options.TopK), "top-k");
            if (options.TopP < 1)
                _chain.Add(NativeApi.llama_sampler_init_top_p(options.TopP, 1), "top-p");
            if (options.MinP > 0)
                _chain.Add(NativeApi.llama_sampler_init_min_p(options.MinP, 1), "min-p");
            _chain.Add(NativeApi.llama_sampler_init_temp(options.Temperature), "temperature");
            _chain.Add(NativeApi.llama_sampler_init_dist(options.Seed), "dist");
        }
        catch
        {
            _chain.Dispose();
            throw;
        }
    }

    /// <summary>Picks a token from the logits of a batch index of the context's last decode, and accepts it.</summary>
    /// <exception cref="LlamaGrammarException">The grammar allows no token with a finite score (NaN or infinite logits).</exception>
    public int Sample(LlamaContext context, int batchIndex)
    {
        CheckVocabulary(context);
        return SampleRow(context.LogitsRow(batchIndex));
    }

    /// <summary>
    /// One token for each (sampler, batch index) of the context's last decode, drawn in parallel, each as
    /// <see cref="Sample"/> would draw it: a chain over the whole vocabulary costs milliseconds a token (top-p sorts
    /// every candidate when the distribution is flat), and each sampler's chain is its own, so the draws do not depend
    /// on each other or on their order. A draw that fails holds its error and leaves the others as they are.
    /// </summary>
    public static SampledToken[] SampleEach(LlamaContext context, IReadOnlyList<(LlamaSampler Sampler, int BatchIndex)> draws)
    {
        ArgumentNullException.ThrowIfNull(draws);
        var tokens = new SampledToken[draws.Count];
        var rows = new IntPtr[draws.Count];
        // llama.cpp's logits getters reorder and synchronise the context: every row is read here, on the owner's thread.
        for (var i = 0; i < draws.Count; i++)
        {
            try
            {
                draws[i].Sampler.CheckVocabulary(context);
                rows[i] = (IntPtr)context.LogitsRow(draws[i].BatchIndex);
            }
            catch (LlamaException ex)
            {
                tokens[i] = new SampledToken(-1, ex);
            }
        }
        var toDraw = Enumerable.Range(0, draws.Count).Where(i => rows[i] != IntPtr.Zero).ToArray();
        if (toDraw.Length == 1)
            tokens[toDraw[0]] = draws[toDraw[0]].Sampler.TrySampleRow((float*)rows[toDraw[0]]);
        else if (toDraw.Length > 1)
            Parallel.ForEach(toDraw, i => tokens[i] = draws[i].Sampler.TrySampleRow((float*)rows[i]));
        return tokens;
    }

    private SampledToken TrySampleRow(float* logits)
    {
        try
        {
            return new SampledToken(SampleRow(logits), null);
        }
        catch (LlamaException ex)
        {
            return new SampledToken(-1, ex);
        }
    }

    private void CheckVocabulary(LlamaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Model.VocabSize != _model.VocabSize)
            throw new LlamaArgumentException(nameof(context), "The context's model has another vocabulary than the sampler's model; create the sampler for the context's model.");
    }

    /// <summary>
    /// Runs the chain over one row of logits and accepts its choice, as llama_sampler_sample does, but on a candidate
    /// array of the calling thread's own, so that samplers can draw on several threads at once. llama_sampler_sample
    /// also accepts whatever the chain selects: when a grammar allows no token with a finite score (NaN logits from
    /// broken weights, say) the chain selects a token the grammar refused, whose acceptance throws inside llama.cpp
    /// and aborts the process; here the choice is checked before it is accepted.
    /// </summary>
    private int SampleRow(float* row)
    {
        var logits = new ReadOnlySpan<float>(row, _model.VocabSize);
        if (_plainGreedy)
            return FirstLargest(logits);
        if (t_candidates is null || t_candidates.Length < logits.Length)
            t_candidates = new llama_token_data[logits.Length];
        for (var i = 0; i < logits.Length; i++)
            t_candidates[i] = new llama_token_data { id = i, logit = logits[i], p = 0 };
        int token;
        fixed (llama_token_data* data = t_candidates)
        {
            var array = new llama_token_data_array { data = data, size = (nuint)logits.Length, selected = -1, sorted = false };
            using (var lease = new HandleLease(_chain))
                NativeApi.llama_sampler_apply(_chain.DangerousGetHandle(), &array);
            var chosen = array.selected >= 0 && (ulong)array.selected < array.size;
            if (_hasGrammar && !(chosen && float.IsFinite(array.data[array.selected].logit)))
                throw new LlamaGrammarException("No token the grammar allows has a finite score (the model's logits are NaN or infinite), so nothing can be sampled.");
            if (!chosen)
                throw new LlamaDecodeException($"The sampler chain selected candidate {array.selected} of {array.size}: the model's logits are NaN or infinite.");
            token = array.data[array.selected].id;
        }
        NativeApi.llama_sampler_accept(_chain, token);
        return token;
    }

    private static int FirstLargest(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
                best = i;
        }
        return best;
    }

    /// <summary>Tells the sampler a token was chosen outside <see cref="Sample"/> (advances the grammar).</summary>
    public void Accept(int token)
    {
        _model.CheckToken(token, nameof(token));
        if (_hasGrammar && !GrammarAllows(token))
            throw new LlamaGrammarException($"Token {token} ('{_model.TokenToPiece(token, special: true)}') is not allowed by the grammar at this point.");
        NativeApi.llama_sampler_accept(_chain, token);
    }

    /// <summary>Returns the chain (and its grammar) to its initial state.</summary>
    public void Reset() => NativeApi.llama_sampler_reset(_chain);

    public void Dispose() => _chain.Dispose();

    /// <summary>
    /// Asks the grammar sampler (first in the chain) about one candidate: llama.cpp aborts the process when a
    /// grammar accepts a token it does not allow, so this is checked first.
    /// </summary>
    private bool GrammarAllows(int token)
    {
        using var lease = new HandleLease(_chain);
        var candidate = new llama_token_data { id = token, logit = 0, p = 0 };
        var array = new llama_token_data_array { data = &candidate, size = 1, selected = -1, sorted = false };
        NativeApi.llama_sampler_apply(NativeApi.llama_sampler_chain_get(_chain, 0), &array);
        return !float.IsNegativeInfinity(candidate.logit);
    }

    private static void Validate(SamplingOptions o)
    {
        if (!float.IsFinite(o.Temperature) || o.Temperature < 0)
            throw new LlamaArgumentException(nameof(o.Temperature), $"Temperature must be 0 (greedy) or positive, not {o.Temperature}.");
        if (o.TopK < 0)
            throw new LlamaArgumentException(nameof(o.TopK), $"TopK must be 0 (off) or positive, not {o.TopK}.");
        if (!(o.TopP > 0 && o.TopP <= 1))
            throw new LlamaArgumentException(nameof(o.TopP), $"TopP must be in (0, 1], not {o.TopP}.");
        if (!(o.MinP >= 0 && o.MinP < 1))
            throw new LlamaArgumentException(nameof(o.MinP), $"MinP must be in [0, 1), not {o.MinP}.");
        if (o.Grammar is not null && string.IsNullOrWhiteSpace(o.GrammarRoot))
            throw new LlamaArgumentException(nameof(o.GrammarRoot), "GrammarRoot must name the grammar's start rule.");
    }
}
