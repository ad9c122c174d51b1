using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// Chat templates (libllama).
internal static unsafe partial class NativeApi
{
    /// <summary>
    /// Formats the chat with a built-in template recognised from tmpl; returns the formatted length (larger than
    /// length means: call again with a bigger buffer), or -1 when the template is not supported.
    /// </summary>
    [LibraryImport(Llama)]
    internal static partial int llama_chat_apply_template(IntPtr tmpl, llama_chat_message* chat, nuint n_msg,
        [MarshalAs(UnmanagedType.U1)] bool add_ass, byte* buf, int length);

    /// <summary>Writes up to len names of the built-in templates (owned by the library); returns how many there are.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_chat_builtin_templates(IntPtr* output, nuint len);
}
