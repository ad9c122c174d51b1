namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns a struct llama_context *. Holds a reference on its model, on every LoRA adapter currently set on it and
/// on its attached thread pool, because llama.cpp keeps raw pointers to them; they are released only after llama_free.
/// </summary>
internal sealed class SafeLlamaContextHandle : SafeNativeHandle
{
    private readonly SafeLlamaModelHandle _model;
    private SafeLlamaAdapterLoraHandle[] _adapters = [];
    private SafeGgmlThreadpoolHandle? _threadpool;

    private SafeLlamaContextHandle(SafeLlamaModelHandle model, IntPtr native) : base(native)
    {
        _model = model;
    }

    /// <summary>Creates a context; returns null when llama.cpp refuses (the reason went to the log).</summary>
    internal static SafeLlamaContextHandle? Create(SafeLlamaModelHandle model, llama_context_params @params)
    {
        var added = false;
        model.DangerousAddRef(ref added);
        var raw = NativeApi.llama_init_from_model(model, @params);
        if (raw == IntPtr.Zero)
        {
            model.DangerousRelease();
            return null;
        }
        return new SafeLlamaContextHandle(model, raw);
    }

    /// <summary>
    /// Sets the context's adapters (empty clears them), taking a reference on each new adapter before
    /// llama.cpp sees it and dropping the references on the previous set afterwards.
    /// </summary>
    internal unsafe void SetAdapters(SafeLlamaAdapterLoraHandle[] adapters, float[] scales)
    {
        var taken = new List<SafeLlamaAdapterLoraHandle>(adapters.Length);
        try
        {
            foreach (var adapter in adapters)
            {
                var added = false;
                adapter.DangerousAddRef(ref added);
                taken.Add(adapter);
            }
            var raw = Array.ConvertAll(adapters, a => a.DangerousGetHandle());
            fixed (IntPtr* r = raw)
            fixed (float* s = scales)
            {
                var rc = adapters.Length == 0
                    ? NativeApi.llama_set_adapters_lora(this, null, 0, null)
                    : NativeApi.llama_set_adapters_lora(this, r, (nuint)adapters.Length, s);
                if (rc != 0)
                    throw new LlamaAdapterException($"llama_set_adapters_lora failed ({rc}); the adapters were not applied.");
            }
        }
        catch
        {
            foreach (var adapter in taken)
                adapter.DangerousRelease();
            throw;
        }

        var previous = _adapters;
        _adapters = adapters;
        foreach (var adapter in previous)
            adapter.DangerousRelease();
    }

    /// <summary>Decodes run on <paramref name="threadpool"/> from now on (once per context), kept alive until llama_free.</summary>
    internal void AttachThreadpool(SafeGgmlThreadpoolHandle threadpool)
    {
        if (_threadpool is not null)
            throw new InvalidOperationException("The context already has a thread pool.");
        var added = false;
        threadpool.DangerousAddRef(ref added);
        _threadpool = threadpool;
        var raw = threadpool.DangerousGetHandle();
        NativeApi.llama_attach_threadpool(this, raw, raw);
    }

    protected override void Free(IntPtr native)
    {
        NativeApi.llama_free(native);
        _threadpool?.DangerousRelease();
        foreach (var adapter in _adapters)
            adapter.DangerousRelease();
        _adapters = [];
        _model.DangerousRelease();
    }
}
