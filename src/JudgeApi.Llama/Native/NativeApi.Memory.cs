using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// The context's memory (KV cache) per sequence (libllama). llama_memory_t is owned by its context.
internal static partial class NativeApi
{
    [LibraryImport(Llama)]
    internal static partial IntPtr llama_get_memory(SafeLlamaContextHandle ctx);

    [LibraryImport(Llama)]
    internal static partial void llama_memory_clear(IntPtr mem, [MarshalAs(UnmanagedType.U1)] bool data);

    /// <summary>seq_id &lt; 0: every sequence; p0 &lt; 0: from 0; p1 &lt; 0: to the end. False when only part could go.</summary>
    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_memory_seq_rm(IntPtr mem, int seq_id, int p0, int p1);

    [LibraryImport(Llama)]
    internal static partial void llama_memory_seq_cp(IntPtr mem, int seq_id_src, int seq_id_dst, int p0, int p1);

    /// <summary>Largest position of the sequence, -1 when it is empty.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_memory_seq_pos_max(IntPtr mem, int seq_id);
}
