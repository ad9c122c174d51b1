using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns a struct llama_model *. Contexts, samplers and adapters created from the model hold a reference
/// (DangerousAddRef) on this handle, so the model is freed only after all of them.
/// </summary>
internal sealed class SafeLlamaModelHandle : SafeHandle
{
    public SafeLlamaModelHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal static SafeLlamaModelHandle FromRaw(IntPtr raw)
    {
        var h = new SafeLlamaModelHandle();
        h.SetHandle(raw);
        return h;
    }

    protected override bool ReleaseHandle()
    {
        NativeApi.llama_model_free(handle);
        return true;
    }
}
