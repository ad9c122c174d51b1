using System.Runtime.InteropServices;
using System.Text;
using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// One choice of a chat completion as the scheduler runs it: generation ends at an end-of-generation token, the token
/// cap or the first stop string; nothing is forced after it. Text is decoded from the tokens themselves (a character
/// split over tokens waits for its last byte), and streamed as soon as it can no longer turn out to be the start of a
/// stop string, so the streamed pieces always add up to the final text.
/// </summary>
internal sealed class CompletionProgram(LlamaModel model, int choice, IReadOnlyList<string> stops, int? topLogprobs, Action<CompletionDelta>? onDelta)
    : ISequenceProgram
{
    private readonly List<int> _tokens = [];
    private readonly List<TokenLogprob> _logprobs = [];
    private readonly List<int> _textEnds = []; // where each token's text ends in _text; -1 while its character is incomplete
    private readonly StringBuilder _text = new();
    private readonly int _longestStop = stops.Count == 0 ? 0 : stops.Max(s => s.Length);
    private int _undecoded; // the first token whose text is not in _text yet
    private int _sentText, _sentTokens;
    private int? _stopAt;

    /// <summary>Nothing is decoded after the choice: its job ends with its generation.</summary>
    public (int Keep, int[]? Input) End(Generation generation, int keep) => (keep, null);

    /// <summary>Nothing is forced after the generation: the token cap is all the job adds to its prompt's cells.</summary>
    public int Room => 0;

    /// <summary>When the first token was sampled (<see cref="System.Diagnostics.Stopwatch"/> ticks); 0 before.</summary>
    public long FirstTokenAt { get; private set; }

    public void ReadLogits(ReadOnlySpan<float> logits)
    {
        // Never called: End decodes nothing after the generation.
    }

    public void Sampled(int token, ReadOnlySpan<float> logits)
    {
        if (topLogprobs is { } top)
            _logprobs.Add(TokenLogprobs.Of(model, token, logits, top));
    }

    public int? StopAfter(Generation generation)
    {
        if (FirstTokenAt == 0)
            FirstTokenAt = System.Diagnostics.Stopwatch.GetTimestamp();
        _tokens.Add(generation.Tokens[^1]);
        _textEnds.Add(-1);
        var piece = model.Detokenize(CollectionsMarshal.AsSpan(_tokens)[_undecoded..]);
        if (piece.EndsWith('\uFFFD'))
            return null;
        var before = _text.Length;
        _text.Append(piece);
        for (; _undecoded < _tokens.Count; _undecoded++)
            _textEnds[_undecoded] = _text.Length;

        _stopAt = FirstStop(Math.Max(0, before - _longestStop + 1));
        Send(_stopAt ?? _text.Length - HeldBack());
        return _stopAt is null ? null : generation.Count;
    }

    /// <summary>The choice once its job has ended; the rest of its text goes to the stream first.</summary>
    public CompletionChoice Result(SequenceResult generated)
    {
        if (_stopAt is null && _undecoded < _tokens.Count)
        {
            _text.Append(model.Detokenize(CollectionsMarshal.AsSpan(_tokens)[_undecoded..]));
            for (; _undecoded < _tokens.Count; _undecoded++)
                _textEnds[_undecoded] = _text.Length;
        }
        var end = _stopAt ?? _text.Length;
        Send(end);
        var finish = _stopAt is null && generated.StopReason == GenerationStopReason.MaxTokens ? CompletionFinish.Length : CompletionFinish.Stop;
        return new CompletionChoice(_text.ToString(0, end), _tokens.Count, finish, topLogprobs is null ? null : _logprobs[..TokensBefore(end)]);
    }

    private int? FirstStop(int from)
    {
        int? first = null;
        var text = _text.ToString();
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, from, StringComparison.Ordinal);
            if (at >= 0 && (first is null || at < first))
                first = at;
        }
        return first;
    }

    /// <summary>How much of the end of the text could be the start of a stop string.</summary>
    private int HeldBack()
    {
        var held = 0;
        foreach (var stop in stops)
        {
            for (var length = Math.Min(stop.Length - 1, _text.Length); length > held; length--)
            {
                if (EndsWith(stop.AsSpan(0, length)))
                {
                    held = length;
                    break;
                }
            }
        }
        return held;
    }

    private bool EndsWith(ReadOnlySpan<char> prefix)
    {
        for (var i = 0; i < prefix.Length; i++)
        {
            if (_text[_text.Length - prefix.Length + i] != prefix[i])
                return false;
        }
        return true;
    }

    /// <summary>The tokens whose text starts before <paramref name="end"/>.</summary>
    private int TokensBefore(int end)
    {
        var count = 0;
        while (count < _tokens.Count && (count == 0 ? 0 : _textEnds[count - 1]) < end && _textEnds[count] >= 0)
            count++;
        return count;
    }

    private void Send(int end)
    {
        if (end <= _sentText)
            return;
        var tokens = topLogprobs is null ? 0 : TokensBefore(end);
        var logprobs = tokens > _sentTokens ? _logprobs[_sentTokens..tokens] : [];
        onDelta?.Invoke(new CompletionDelta(choice, _text.ToString(_sentText, end - _sentText), logprobs));
        _sentText = end;
        _sentTokens = Math.Max(_sentTokens, tokens);
    }
}
