namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns a llama_sampler chain (which owns the samplers added to it). Holds a reference on the model
/// because a grammar sampler keeps a pointer to the model's vocabulary.
/// </summary>
internal sealed class SafeLlamaSamplerHandle : SafeNativeHandle
{
    private readonly SafeLlamaModelHandle _model;

    private SafeLlamaSamplerHandle(SafeLlamaModelHandle model)
    {
        _model = model;
    }

    internal static SafeLlamaSamplerHandle CreateChain(SafeLlamaModelHandle model)
    {
        var chain = new SafeLlamaSamplerHandle(model);
        var added = false;
        model.DangerousAddRef(ref added);
        var @params = NativeApi.llama_sampler_chain_default_params();
        @params.no_perf = true;
        var raw = NativeApi.llama_sampler_chain_init(@params);
        if (raw == IntPtr.Zero)
        {
            model.DangerousRelease();
            throw new LlamaException("llama_sampler_chain_init failed.");
        }
        chain.SetHandle(raw);
        return chain;
    }

    /// <summary>Adds a sampler the chain then owns; a NULL sampler is an error of the caller's arguments.</summary>
    internal void Add(IntPtr sampler, string what)
    {
        if (sampler == IntPtr.Zero)
            throw new LlamaException($"llama.cpp could not create the {what} sampler.");
        NativeApi.llama_sampler_chain_add(this, sampler);
    }

    protected override void Free(IntPtr native)
    {
        NativeApi.llama_sampler_free(native);
        _model.DangerousRelease();
    }
}
