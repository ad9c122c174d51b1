using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// LoRA adapters (libllama). An adapter belongs to the model it was loaded for; the model frees any left over.
internal static unsafe partial class NativeApi
{
    /// <summary>Returns NULL when the file is not a LoRA adapter for this model (the reason goes to the log).</summary>
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr llama_adapter_lora_init(SafeLlamaModelHandle model, string path_lora);

    [LibraryImport(Llama)]
    internal static partial void llama_adapter_lora_free(IntPtr adapter);

    /// <summary>Replaces the context's adapters; n_adapters 0 (with NULL arrays) removes them all.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_set_adapters_lora(SafeLlamaContextHandle ctx, IntPtr* adapters, nuint n_adapters, float* scales);
}
