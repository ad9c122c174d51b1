using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// Logging (libllama; also routes ggml's log).
internal static unsafe partial class NativeApi
{
    /// <summary>callback: void (*)(enum ggml_log_level level, const char * text, void * user_data).</summary>
    [LibraryImport(Llama)]
    internal static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> log_callback, void* user_data);
}
