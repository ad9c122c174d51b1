using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

/// <summary>Owns a ggml_backend_buffer_t (the memory behind the tensors of one context).</summary>
internal sealed class SafeGgmlBackendBufferHandle : SafeHandle
{
    public SafeGgmlBackendBufferHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Allocates every tensor of a no_alloc context on the backend.</summary>
    public static SafeGgmlBackendBufferHandle AllocateContextTensors(SafeGgmlContextHandle ctx, SafeGgmlBackendHandle backend)
    {
        var raw = NativeApi.ggml_backend_alloc_ctx_tensors(ctx, backend);
        if (raw == IntPtr.Zero)
            throw new LlamaException("ggml_backend_alloc_ctx_tensors failed: out of memory, or the context holds no tensors to allocate.");
        var buffer = new SafeGgmlBackendBufferHandle();
        buffer.SetHandle(raw);
        return buffer;
    }

    protected override bool ReleaseHandle()
    {
        NativeApi.ggml_backend_buffer_free(handle);
        return true;
    }
}
