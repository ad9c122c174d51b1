using System.Text;
using System.Text.RegularExpressions;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// A small byte-level BPE vocabulary (GPT-2's scheme, which llama.cpp's "gpt2" tokenizer reads) learned from sample
/// texts: the 256 byte tokens, the most frequent merges within GPT-2 pre-tokenizer pieces, and &lt;|endoftext|&gt;.
/// Merges never involve a digit, so every digit stays a token of its own (small models learn arithmetic far more
/// easily so). Deterministic: ties between equally frequent pairs go to the ordinally smaller one.
/// </summary>
public sealed partial class ByteLevelBpe
{
    public const string EndOfText = "<|endoftext|>";

    // llama_token_type of llama.h
    private const int NormalTokenType = 1, ControlTokenType = 3;

    private static readonly char[] ByteChars = BuildByteChars();

    /// <summary>Tokens in GPT-2's byte-to-unicode spelling (a space is 'Ġ'): bytes, merges in rank order, then &lt;|endoftext|&gt;.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Merges in rank order, each "left right".</summary>
    public IReadOnlyList<string> Merges { get; }

    private ByteLevelBpe(IReadOnlyList<string> tokens, IReadOnlyList<string> merges) => (Tokens, Merges) = (tokens, merges);

    /// <summary>Learns up to <paramref name="mergeCount"/> merges from the texts (each merge must occur at least twice).</summary>
    public static ByteLevelBpe Learn(IEnumerable<string> texts, int mergeCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mergeCount);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (Match piece in PreTokenizer().Matches(text))
            {
                var spelled = Spell(piece.Value);
                counts[spelled] = counts.GetValueOrDefault(spelled) + 1;
            }
        }
        var words = counts.OrderBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => (Symbols: w.Key.Select(c => c.ToString()).ToList(), Count: w.Value)).ToList();

        var tokens = ByteChars.Select(c => c.ToString()).ToList();
        var merges = new List<string>();
        while (merges.Count < mergeCount)
        {
            var pairs = new Dictionary<(string, string), long>();
            foreach (var (symbols, count) in words)
            {
                for (var i = 0; i + 1 < symbols.Count; i++)
                {
                    if (!HasDigit(symbols[i]) && !HasDigit(symbols[i + 1]))
                        pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
                }
            }
            if (pairs.Count == 0)
                break;
            var best = pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1 + " " + p.Key.Item2, StringComparer.Ordinal).First();
            if (best.Value < 2)
                break;
            var (left, right) = best.Key;
            merges.Add(left + " " + right);
            tokens.Add(left + right);
            foreach (var (symbols, _) in words)
            {
                for (var i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = left + right;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }
        tokens.Add(EndOfText);
        return new ByteLevelBpe(tokens, merges);
    }

    /// <summary>Writes a vocabulary-only GGUF (the tokenizer keys, as the vocab files of the llama.cpp source bundle hold them).</summary>
    public void WriteVocabFile(string path)
    {
        using var writer = new GgufWriter(0);
        writer.SetString("general.architecture", "llama");
        writer.SetString("tokenizer.ggml.model", "gpt2");
        writer.SetString("tokenizer.ggml.pre", "gpt-2");
        writer.SetStringArray("tokenizer.ggml.tokens", Tokens);
        writer.SetInt32Array("tokenizer.ggml.token_type", Tokens.Select(t => t == EndOfText ? ControlTokenType : NormalTokenType).ToArray());
        writer.SetStringArray("tokenizer.ggml.merges", Merges);
        var endOfText = (uint)(Tokens.Count - 1);
        writer.SetUInt32("tokenizer.ggml.bos_token_id", endOfText);
        writer.SetUInt32("tokenizer.ggml.eos_token_id", endOfText);
        writer.SetBool("tokenizer.ggml.add_bos_token", false);
        writer.WriteFile(path);
    }

    /// <summary>Text in GPT-2's byte-to-unicode spelling (each UTF-8 byte one printable char).</summary>
    public static string Spell(string text) => string.Concat(Encoding.UTF8.GetBytes(text).Select(b => ByteChars[b]));

    private static bool HasDigit(string symbol) => symbol.Any(char.IsAsciiDigit);

    /// <summary>GPT-2's byte-to-unicode table: printable Latin-1 bytes stand for themselves, the rest map to 256 + n.</summary>
    private static char[] BuildByteChars()
    {
        var chars = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            chars[b] = printable ? (char)b : (char)next++;
        }
        return chars;
    }

    // GPT-2's pre-tokenizer (llama.cpp's "gpt-2" pre type); text between matches is a piece of its own there too.
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex PreTokenizer();
}
