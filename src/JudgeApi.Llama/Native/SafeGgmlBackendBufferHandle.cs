namespace JudgeApi.Llama.Native;

/// <summary>Owns a ggml_backend_buffer_t (the memory behind the tensors of one context).</summary>
internal sealed class SafeGgmlBackendBufferHandle : SafeNativeHandle
{
    private SafeGgmlBackendBufferHandle(IntPtr native) : base(native) { }

    /// <summary>Allocates every tensor of a no_alloc context on the backend.</summary>
    public static SafeGgmlBackendBufferHandle AllocateContextTensors(SafeGgmlContextHandle ctx, SafeGgmlBackendHandle backend)
    {
        var raw = NativeApi.ggml_backend_alloc_ctx_tensors(ctx, backend);
        if (raw == IntPtr.Zero)
            throw new LlamaException("ggml_backend_alloc_ctx_tensors failed: out of memory, or the context holds no tensors to allocate.");
        return new SafeGgmlBackendBufferHandle(raw);
    }

    /// <summary>
    /// A CPU backend buffer over memory the caller keeps alive and unchanged for the buffer's lifetime (a mapped file):
    /// tensors placed in it with ggml_backend_tensor_alloc compute on those bytes without a copy.
    /// </summary>
    public static unsafe SafeGgmlBackendBufferHandle FromHostMemory(void* data, nuint size)
    {
        if (((nuint)data & 31) != 0)
            throw new ArgumentException("Host memory for a ggml buffer must be aligned to 32 bytes.", nameof(data));
        var raw = NativeApi.ggml_backend_cpu_buffer_from_ptr(data, size);
        if (raw == IntPtr.Zero)
            throw new LlamaException("ggml_backend_cpu_buffer_from_ptr failed.");
        return new SafeGgmlBackendBufferHandle(raw);
    }

    protected override void Free(IntPtr native) => NativeApi.ggml_backend_buffer_free(native);
}
