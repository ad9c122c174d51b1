using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

/// <summary>Owns a struct gguf_context * (a GGUF file's metadata and tensor directory).</summary>
internal sealed class SafeGgufContextHandle : SafeHandle
{
    public SafeGgufContextHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal static SafeGgufContextHandle FromRaw(IntPtr raw)
    {
        var h = new SafeGgufContextHandle();
        h.SetHandle(raw);
        return h;
    }

    protected override bool ReleaseHandle()
    {
        NativeApi.gguf_free(handle);
        return true;
    }
}
