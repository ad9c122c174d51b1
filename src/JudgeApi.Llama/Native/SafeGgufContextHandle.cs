namespace JudgeApi.Llama.Native;

/// <summary>Owns a struct gguf_context * (a GGUF file's metadata and tensor directory).</summary>
internal sealed class SafeGgufContextHandle : SafeNativeHandle
{
    private SafeGgufContextHandle(IntPtr native) : base(native) { }

    internal static SafeGgufContextHandle FromRaw(IntPtr raw) => new(raw);

    protected override void Free(IntPtr native) => NativeApi.gguf_free(native);
}
