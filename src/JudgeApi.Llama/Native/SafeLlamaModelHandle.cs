namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns a struct llama_model *. Contexts, samplers and adapters created from the model hold a reference
/// (DangerousAddRef) on this handle, so the model is freed only after all of them.
/// </summary>
internal sealed class SafeLlamaModelHandle : SafeNativeHandle
{
    private SafeLlamaModelHandle(IntPtr native) : base(native) { }

    internal static SafeLlamaModelHandle FromRaw(IntPtr raw) => new(raw);

    protected override void Free(IntPtr native) => NativeApi.llama_model_free(native);
}
