using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

internal static partial class NativeApi
{
    [LibraryImport(Ggml, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ggml_backend_load_all_from_path(string dir_path);

    [LibraryImport(Llama)]
    internal static partial void llama_backend_init();

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_print_system_info();
}
