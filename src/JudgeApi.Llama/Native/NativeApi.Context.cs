using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// Contexts (libllama).
internal static partial class NativeApi
{
    [LibraryImport(Llama)]
    internal static partial llama_context_params llama_context_default_params();

    /// <summary>Returns NULL on failure (the reason goes to the log).</summary>
    [LibraryImport(Llama)]
    internal static partial IntPtr llama_init_from_model(SafeLlamaModelHandle model, llama_context_params @params);

    [LibraryImport(Llama)]
    internal static partial void llama_free(IntPtr ctx);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_ctx(SafeLlamaContextHandle ctx);

    /// <summary>Positions available to one sequence (n_ctx, or n_ctx / n_seq_max without a unified KV cache).</summary>
    [LibraryImport(Llama)]
    internal static partial uint llama_n_ctx_seq(SafeLlamaContextHandle ctx);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_batch(SafeLlamaContextHandle ctx);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_seq_max(SafeLlamaContextHandle ctx);

    [LibraryImport(Llama)]
    internal static partial nuint llama_max_parallel_sequences();
}
