namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns a ggml_gallocr_t: allocates the intermediate tensors of a graph in one reusable buffer. Memory is
/// reused from graph to graph, so results must be read before the next graph is allocated.
/// </summary>
internal sealed class SafeGgmlGallocrHandle : SafeNativeHandle
{
    private SafeGgmlGallocrHandle(IntPtr native) : base(native) { }

    public static SafeGgmlGallocrHandle Create(SafeGgmlBackendHandle backend)
    {
        var raw = NativeApi.ggml_gallocr_new(NativeApi.ggml_backend_get_default_buffer_type(backend));
        if (raw == IntPtr.Zero)
            throw new LlamaException("ggml_gallocr_new failed.");
        return new SafeGgmlGallocrHandle(raw);
    }

    protected override void Free(IntPtr native) => NativeApi.ggml_gallocr_free(native);
}
