using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// Model loading and model information (libllama).
internal static unsafe partial class NativeApi
{
    [LibraryImport(Llama)]
    internal static partial llama_model_params llama_model_default_params();

    /// <summary>Returns NULL on failure (the reason goes to the log).</summary>
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr llama_model_load_from_file(string path_model, llama_model_params @params);

    [LibraryImport(Llama)]
    internal static partial void llama_model_free(IntPtr model);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_model_get_vocab(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_embd(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_layer(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial ulong llama_model_size(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial ulong llama_model_n_params(SafeLlamaModelHandle model);

    /// <summary>Writes a NUL-terminated description; returns its length (like snprintf).</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_model_desc(SafeLlamaModelHandle model, byte* buf, nuint buf_size);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_count(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_key_by_index(SafeLlamaModelHandle model, int i, byte* buf, nuint buf_size);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_val_str_by_index(SafeLlamaModelHandle model, int i, byte* buf, nuint buf_size);

    /// <summary>name NULL = the default template; returns NULL when the model has none. Owned by the model.</summary>
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr llama_model_chat_template(SafeLlamaModelHandle model, string? name);
}
