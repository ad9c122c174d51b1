using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// Vocabulary: tokens and text (libllama). The vocab pointer is owned by its model.
internal static unsafe partial class NativeApi
{
    [LibraryImport(Llama)]
    internal static partial int llama_vocab_n_tokens(IntPtr vocab);

    [LibraryImport(Llama)]
    internal static partial int llama_vocab_bos(IntPtr vocab);

    [LibraryImport(Llama)]
    internal static partial int llama_vocab_eos(IntPtr vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_is_eog(IntPtr vocab, int token);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_get_add_bos(IntPtr vocab);

    /// <summary>The token's text as the vocabulary stores it (NUL-terminated UTF-8, owned by the vocab).</summary>
    [LibraryImport(Llama)]
    internal static partial IntPtr llama_vocab_get_text(IntPtr vocab, int token);

    /// <summary>A llama_token_attr bit set (LLAMA_TOKEN_ATTR_*).</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_vocab_get_attr(IntPtr vocab, int token);

    /// <summary>Returns the token count, or minus the count needed when n_tokens_max is too small.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_tokenize(IntPtr vocab, byte* text, int text_len, int* tokens, int n_tokens_max,
        [MarshalAs(UnmanagedType.U1)] bool add_special, [MarshalAs(UnmanagedType.U1)] bool parse_special);

    /// <summary>Writes the piece (not NUL-terminated); returns its length, or minus the length needed.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_token_to_piece(IntPtr vocab, int token, byte* buf, int length, int lstrip,
        [MarshalAs(UnmanagedType.U1)] bool special);

    /// <summary>Returns the text length, or minus the length needed when text_len_max is too small.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_detokenize(IntPtr vocab, int* tokens, int n_tokens, byte* text, int text_len_max,
        [MarshalAs(UnmanagedType.U1)] bool remove_special, [MarshalAs(UnmanagedType.U1)] bool unparse_special);
}
