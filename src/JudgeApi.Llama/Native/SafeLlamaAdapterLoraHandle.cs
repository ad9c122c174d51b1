namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns a struct llama_adapter_lora *. Holds a reference on its model: llama_model_free deletes adapters
/// still registered with the model, so an adapter must be freed first.
/// </summary>
internal sealed class SafeLlamaAdapterLoraHandle : SafeNativeHandle
{
    private readonly SafeLlamaModelHandle _model;

    private SafeLlamaAdapterLoraHandle(SafeLlamaModelHandle model, IntPtr native) : base(native)
    {
        _model = model;
    }

    /// <summary>Loads an adapter; returns null when llama.cpp refuses the file (the reason went to the log).</summary>
    internal static SafeLlamaAdapterLoraHandle? Load(SafeLlamaModelHandle model, string path)
    {
        var added = false;
        model.DangerousAddRef(ref added);
        var raw = NativeApi.llama_adapter_lora_init(model, path);
        if (raw == IntPtr.Zero)
        {
            model.DangerousRelease();
            return null;
        }
        return new SafeLlamaAdapterLoraHandle(model, raw);
    }

    protected override void Free(IntPtr native)
    {
        NativeApi.llama_adapter_lora_free(native);
        _model.DangerousRelease();
    }
}
