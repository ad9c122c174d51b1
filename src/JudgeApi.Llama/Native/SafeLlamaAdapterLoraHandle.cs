using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns a struct llama_adapter_lora *. Holds a reference on its model: llama_model_free deletes adapters
/// still registered with the model, so an adapter must be freed first.
/// </summary>
internal sealed class SafeLlamaAdapterLoraHandle : SafeHandle
{
    private readonly SafeLlamaModelHandle _model;

    private SafeLlamaAdapterLoraHandle(SafeLlamaModelHandle model) : base(IntPtr.Zero, ownsHandle: true)
    {
        _model = model;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

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
        var adapter = new SafeLlamaAdapterLoraHandle(model);
        adapter.SetHandle(raw);
        return adapter;
    }

    protected override bool ReleaseHandle()
    {
        NativeApi.llama_adapter_lora_free(handle);
        _model.DangerousRelease();
        return true;
    }
}
