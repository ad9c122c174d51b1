namespace JudgeApi.Llama.Native;

/// <summary>Owns a ggml_backend_t (a compute device with its own thread pool).</summary>
internal sealed class SafeGgmlBackendHandle : SafeNativeHandle
{
    private SafeGgmlBackendHandle(IntPtr native) : base(native) { }

    /// <summary>Starts the CPU backend; needs <see cref="LlamaRuntime.Initialize"/> first (the CPU backend is a loaded plug-in).</summary>
    public static SafeGgmlBackendHandle CreateCpu(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var raw = NativeApi.ggml_backend_init_by_type(NativeApi.GGML_BACKEND_DEVICE_TYPE_CPU, null);
        if (raw == IntPtr.Zero)
            throw new LlamaNativeLibraryException("No ggml CPU backend could be started; call LlamaRuntime.Initialize() first and check that native/cpu holds the libggml-cpu-*.so variants.");
        var backend = new SafeGgmlBackendHandle(raw);
        backend.SetThreads(threads);
        return backend;
    }

    /// <summary>
    /// The backend training runs on in this process: the GPU when the loaded natives have one (the process was
    /// initialised with a GPU backend, as <c>Judge:Backend=Cuda</c> does), otherwise the CPU with <paramref name="threads"/> threads.
    /// </summary>
    public static SafeGgmlBackendHandle CreateForRuntime(int threads)
    {
        if (LlamaRuntime.Backend is { } loaded && loaded != LlamaBackend.Cpu)
        {
            var raw = NativeApi.ggml_backend_init_by_type(NativeApi.GGML_BACKEND_DEVICE_TYPE_GPU, null);
            if (raw == IntPtr.Zero)
                throw new LlamaNativeLibraryException($"The {loaded} natives are loaded but no GPU device could be started; check the driver and that a GPU is visible.");
            return new SafeGgmlBackendHandle(raw) { IsCpu = false };
        }
        return CreateCpu(threads);
    }

    /// <summary>Whether this is the CPU backend (whose buffers are plain host memory).</summary>
    public bool IsCpu { get; private init; } = true;

    /// <summary>Sets the worker thread count through the backend's optional "ggml_backend_set_n_threads" entry point.</summary>
    private unsafe void SetThreads(int threads)
    {
        var reg = NativeApi.ggml_backend_dev_backend_reg(NativeApi.ggml_backend_get_device(this));
        var setThreads = (delegate* unmanaged<IntPtr, int, void>)NativeApi.ggml_backend_reg_get_proc_address(reg, "ggml_backend_set_n_threads");
        if (setThreads != null)
            setThreads(handle, threads);
    }

    protected override void Free(IntPtr native) => NativeApi.ggml_backend_free(native);
}
