using System.Runtime.InteropServices;
using System.Text;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// The tokens one sequence has sampled and their text, kept side by side so that a program can find a string in the
/// text and cut the generation at the token it starts in.
/// </summary>
internal sealed class Generation
{
    private readonly List<int> _tokens = [];
    private readonly List<int> _textStarts = [];
    private readonly StringBuilder _text = new();

    public int Count => _tokens.Count;

    /// <summary>The tokens in order; valid until the next <see cref="Add"/> or <see cref="Clear"/>.</summary>
    public ReadOnlySpan<int> Tokens => CollectionsMarshal.AsSpan(_tokens);

    public void Add(int token, string piece)
    {
        _textStarts.Add(_text.Length);
        _tokens.Add(token);
        _text.Append(piece);
    }

    /// <summary>Where token <paramref name="index"/>'s text starts.</summary>
    public int TextStart(int index) => _textStarts[index];

    /// <summary>The text from <paramref name="start"/> to the end.</summary>
    public string TextFrom(int start) => _text.ToString(start, _text.Length - start);

    /// <summary>The token whose text holds <paramref name="textIndex"/> (the last to start at or before it): as many tokens end before it.</summary>
    public int TokenAt(int textIndex) => _textStarts.FindLastIndex(start => start <= textIndex);

    public void Clear()
    {
        _tokens.Clear();
        _textStarts.Clear();
        _text.Clear();
    }
}
