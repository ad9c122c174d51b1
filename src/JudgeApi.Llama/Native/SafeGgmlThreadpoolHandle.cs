namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns a struct ggml_threadpool * of the CPU backend: worker threads kept between decodes (ggml otherwise starts a
/// pool for every graph). Its create and free functions live in the dynamically loaded CPU backend and are found
/// through the backend registry (ggml_backend_reg_get_proc_address), as llama-bench finds them.
/// </summary>
internal sealed unsafe class SafeGgmlThreadpoolHandle : SafeNativeHandle
{
    private readonly delegate* unmanaged<IntPtr, void> _free;

    private SafeGgmlThreadpoolHandle(IntPtr native, delegate* unmanaged<IntPtr, void> free) : base(native)
    {
        _free = free;
    }

    /// <summary>A pool of <paramref name="threads"/> workers that spin up to <paramref name="poll"/> (0-100) before sleeping; null when the CPU backend offers none.</summary>
    internal static SafeGgmlThreadpoolHandle? TryCreate(int threads, int poll)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, ggml_threadpool_params.GGML_MAX_N_THREADS);
        ArgumentOutOfRangeException.ThrowIfNegative(poll);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(poll, 100);
        var device = NativeApi.ggml_backend_dev_by_type(NativeApi.GGML_BACKEND_DEVICE_TYPE_CPU);
        if (device == IntPtr.Zero)
            return null;
        var reg = NativeApi.ggml_backend_dev_backend_reg(device);
        var create = (delegate* unmanaged<ggml_threadpool_params*, IntPtr>)NativeApi.ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new");
        var free = (delegate* unmanaged<IntPtr, void>)NativeApi.ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free");
        if (create == null || free == null)
            return null;
        var @params = new ggml_threadpool_params();
        NativeApi.ggml_threadpool_params_init(&@params, threads);
        @params.poll = (uint)poll;
        var raw = create(&@params);
        return raw == IntPtr.Zero ? throw new LlamaContextException($"ggml could not start a pool of {threads} threads.") : new SafeGgmlThreadpoolHandle(raw, free);
    }

    protected override void Free(IntPtr native) => _free(native);
}
