namespace JudgeApi.Llama.Native;

/// <summary>Owns a struct ggml_context * (tensor metadata and, unless no_alloc, tensor data).</summary>
internal sealed class SafeGgmlContextHandle : SafeNativeHandle
{
    /// <summary>Creates a context; throws instead of returning an invalid handle.</summary>
    public static SafeGgmlContextHandle Create(ulong memSize, bool noAlloc)
    {
        var ctx = new SafeGgmlContextHandle();
        var raw = NativeApi.ggml_init(new ggml_init_params { mem_size = (nuint)memSize, mem_buffer = IntPtr.Zero, no_alloc = noAlloc });
        if (raw == IntPtr.Zero)
            throw new LlamaException($"ggml_init failed to allocate a context of {memSize} bytes.");
        ctx.SetHandle(raw);
        return ctx;
    }

    protected override void Free(IntPtr native) => NativeApi.ggml_free(native);
}
