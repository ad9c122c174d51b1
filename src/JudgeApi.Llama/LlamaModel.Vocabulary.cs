using System.Runtime.InteropServices;
using System.Text;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama;

// The vocabulary: text to tokens and back, and which tokens are special.
public sealed partial class LlamaModel
{
    /// <summary>Tokenizes UTF-8 text. addSpecial adds BOS/EOS as the model asks; parseSpecial turns "&lt;|...|&gt;" text into special tokens.</summary>
    public unsafe int[] Tokenize(string text, bool addSpecial, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        using var lease = new HandleLease(Handle);
        var tokens = new int[bytes.Length + 4];
        while (true)
        {
            int n;
            fixed (byte* t = bytes)
            fixed (int* o = tokens)
            {
                byte empty = 0;
                n = NativeApi.llama_tokenize(_vocab, bytes.Length == 0 ? &empty : t, bytes.Length, o, tokens.Length, addSpecial, parseSpecial);
            }
            if (n >= 0)
                return tokens.AsSpan(0, n).ToArray();
            if (n == int.MinValue)
                throw new LlamaArgumentException(nameof(text), "The text tokenizes to more than int.MaxValue tokens; split it.");
            tokens = new int[-n];
        }
    }

    /// <summary>The text of one token (may be a partial UTF-8 sequence, shown as U+FFFD); special renders control tokens.</summary>
    public unsafe string TokenToPiece(int token, bool special = false)
    {
        CheckToken(token, nameof(token));
        using var lease = new HandleLease(Handle);
        Span<byte> small = stackalloc byte[64];
        fixed (byte* b = small)
        {
            var n = NativeApi.llama_token_to_piece(_vocab, token, b, small.Length, 0, special);
            if (n >= 0)
                return Encoding.UTF8.GetString(small[..n]);
            var large = new byte[-n];
            fixed (byte* l = large)
                n = NativeApi.llama_token_to_piece(_vocab, token, l, large.Length, 0, special);
            return Encoding.UTF8.GetString(large, 0, n);
        }
    }

    /// <summary>Text of a token sequence; special keeps control tokens' text instead of dropping it.</summary>
    public unsafe string Detokenize(ReadOnlySpan<int> tokens, bool special = false)
    {
        for (var i = 0; i < tokens.Length; i++)
            CheckToken(tokens[i], nameof(tokens));
        if (tokens.Length == 0)
            return "";
        using var lease = new HandleLease(Handle);
        var buffer = new byte[tokens.Length * 8 + 16];
        fixed (int* t = tokens)
        {
            while (true)
            {
                int n;
                fixed (byte* b = buffer)
                    n = NativeApi.llama_detokenize(_vocab, t, tokens.Length, b, buffer.Length, false, special);
                if (n >= 0)
                    return Encoding.UTF8.GetString(buffer, 0, n);
                buffer = new byte[-n];
            }
        }
    }

    /// <summary>
    /// The text the tokens spell, piece after piece (a character split over byte tokens comes out whole), without
    /// what <see cref="Detokenize"/> does to it (dropping a leading space, cleaning spaces): what tokenizing it again starts from.
    /// </summary>
    public unsafe string PieceText(ReadOnlySpan<int> tokens)
    {
        for (var i = 0; i < tokens.Length; i++)
            CheckToken(tokens[i], nameof(tokens));
        using var lease = new HandleLease(Handle);
        var bytes = new List<byte>(tokens.Length * 4);
        var piece = new byte[64];
        foreach (var token in tokens)
        {
            int n;
            while (true)
            {
                fixed (byte* b = piece)
                    n = NativeApi.llama_token_to_piece(_vocab, token, b, piece.Length, 0, false);
                if (n >= 0)
                    break;
                piece = new byte[-n];
            }
            bytes.AddRange(piece.AsSpan(0, n));
        }
        return Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes));
    }

    /// <summary>True for end-of-generation tokens (EOS, EOT, …).</summary>
    public bool IsEndOfGeneration(int token)
    {
        CheckToken(token, nameof(token));
        using var lease = new HandleLease(Handle);
        return NativeApi.llama_vocab_is_eog(_vocab, token);
    }

    internal void CheckToken(int token, string paramName)
    {
        if ((uint)token >= (uint)VocabSize)
            throw new LlamaArgumentException(paramName, $"Token id {token} is outside the vocabulary of '{Path}' (0..{VocabSize - 1}); tokens must come from this model's tokenizer.");
    }

    private IReadOnlyList<SpecialToken> ReadSpecialTokens()
    {
        using var lease = new HandleLease(Handle);
        var tokens = new List<SpecialToken>();
        for (var id = 0; id < VocabSize; id++)
        {
            var attributes = (TokenAttributes)NativeApi.llama_vocab_get_attr(_vocab, id);
            if ((attributes & (TokenAttributes.Control | TokenAttributes.Unknown)) == 0)
                continue;
            var text = Marshal.PtrToStringUTF8(NativeApi.llama_vocab_get_text(_vocab, id));
            if (!string.IsNullOrEmpty(text))
                tokens.Add(new SpecialToken(id, text, attributes.HasFlag(TokenAttributes.LeftStrip), attributes.HasFlag(TokenAttributes.RightStrip)));
        }
        // llama.cpp's order (its cache_special_tokens): longest text first.
        return [.. tokens.OrderByDescending(t => Encoding.UTF8.GetByteCount(t.Text)).ThenBy(t => t.Id)];
    }
}
