using System.Collections.Concurrent;

namespace JudgeApi.Llama;

/// <summary>
/// Renders chat messages with a <see cref="ChatTemplate"/> and tokenizes them the one way both serving and training
/// use: as llama.cpp tokenizes the rendered text in one pass with special tokens parsed, except that only the
/// template's own text can hold special tokens (message contents are plain text, so "&lt;|im_end|&gt;" in a message
/// stays characters). The prompt the service decodes and the prompt part of a training sequence for the same messages
/// are the same tokens, because both come from <see cref="Prompt"/>. Thread-safe.
/// </summary>
public sealed class ChatTokenizer(LlamaModel model, ChatTemplate template)
{
    // Template text repeats in every prompt; its split is cached (bounded: template text never holds message contents).
    private const int MaxCachedPieces = 256;
    private readonly ConcurrentDictionary<string, PromptFragment[]> _pieces = new(StringComparer.Ordinal);

    public ChatTemplate Template { get; } = template;

    public LlamaModel Model { get; } = model;

    /// <summary>The prompt for the assistant's next turn: the messages, the assistant turn's opening and <see cref="ChatTemplate.GenerationSuffix"/>.</summary>
    public ChatPrompt Prompt(IReadOnlyList<ChatMessage> messages)
    {
        var rendered = Template.Render(messages, addAssistantPrefix: true);
        var fragments = TemplateFragments.Merge(Fragments(rendered).Concat(Split(Template.GenerationSuffix)));
        var head = new List<int>();
        if (Model.AddsBos && Model.BosToken >= 0 && fragments.FirstOrDefault().Special?.Id != Model.BosToken)
            head.Add(Model.BosToken);
        var last = fragments.Count > 0 && fragments[^1].Special is null ? fragments[^1].Text : "";
        foreach (var fragment in last.Length > 0 ? fragments.SkipLast(1) : fragments)
        {
            if (fragment.Special is { } special)
                head.Add(special.Id);
            else
                head.AddRange(Raw(fragment.Text));
        }
        var stripsNext = last.Length == 0 && fragments.Count > 0 && fragments[^1].Special!.RightStrip;
        return new ChatPrompt(this, [.. head], last, stripsNext);
    }

    /// <summary>
    /// A conversation that ends with an assistant turn, as a training sequence: <see cref="Prompt"/> of the messages
    /// before it, then its content and the template's end of turn as the template writes them, continuing the prompt
    /// (<see cref="ChatPrompt.Continue"/>); an end-of-generation token closes it (EOS when the template writes none).
    /// </summary>
    /// <exception cref="LlamaChatTemplateException">The template renders the turn other than as a continuation of its generation prompt.</exception>
    public ChatConversation Conversation(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count < 2 || messages[^1].Role != "assistant")
            throw new ArgumentException("A conversation to tokenize needs messages before a last assistant turn.", nameof(messages));
        var history = messages.Take(messages.Count - 1).ToList();
        var prompt = Prompt(history);
        var opening = Template.Render(history, addAssistantPrefix: true).Text;
        var full = Template.Render(messages, addAssistantPrefix: false);
        var turn = Array.IndexOf(full.MessageOf, messages.Count - 1);
        var before = turn < 0 ? null : string.Concat(full.Pieces.Take(turn + 1).Zip(full.Contents.Take(turn).Append(""), (p, c) => p + c));
        if (before is null || !before.StartsWith(opening, StringComparison.Ordinal) || Split(before[opening.Length..]).Any(f => f.Special is not null))
            throw new LlamaChatTemplateException(
                $"The chat template ({Template.Description}) does not render an assistant turn as a continuation of its generation prompt, so it cannot be trained on as it is served.");

        // The turn: template text between the opening and the content, the content, then the closing up to an end of generation.
        var text = before[opening.Length..] + full.Contents[turn];
        int? end = null;
        foreach (var fragment in full.Pieces.Skip(turn + 1).SelectMany(Split))
        {
            if (fragment.Special is null)
            {
                text += fragment.Text;
                continue;
            }
            if (Model.IsEndOfGeneration(fragment.Special.Id))
            {
                end = fragment.Special.Id;
                if (fragment.Special.LeftStrip)
                    text = text.TrimEnd(TemplateFragments.CWhitespace);
            }
            break;
        }
        end ??= Model.EosToken >= 0 ? Model.EosToken : null;
        int[] target = [.. prompt.Continue(text), .. end is { } eog ? [eog] : Array.Empty<int>()];
        return new ChatConversation([.. prompt.Tokens, .. target], prompt.Tokens.Length);
    }

    /// <summary>Plain text, tokenized without special-token parsing (user-defined tokens still match, as in llama.cpp's one pass).</summary>
    internal int[] Raw(string text) => text.Length == 0 ? [] : Model.Tokenize(text, addSpecial: false, parseSpecial: false);

    private IEnumerable<PromptFragment> Fragments(RenderedChat rendered)
    {
        for (var i = 0; i < rendered.Pieces.Length; i++)
        {
            foreach (var fragment in Split(rendered.Pieces[i]))
                yield return fragment;
            if (i < rendered.Contents.Length)
                yield return PromptFragment.Raw(rendered.Contents[i].Replace("\0", "", StringComparison.Ordinal));
        }
    }

    private PromptFragment[] Split(string piece)
    {
        if (piece.Length == 0)
            return [];
        if (_pieces.TryGetValue(piece, out var cached))
            return cached;
        var split = TemplateFragments.Split(piece, Model.SpecialTokens).ToArray();
        if (_pieces.Count >= MaxCachedPieces)
            _pieces.Clear();
        _pieces[piece] = split;
        return split;
    }
}

/// <summary>One training sequence: the prompt (<see cref="ChatTokenizer.Prompt"/>) and then the assistant turn, ending with its end of turn.</summary>
public sealed record ChatConversation(int[] Tokens, int PromptLength);

/// <summary>
/// A tokenized prompt that ends where the assistant's turn begins, and how text the assistant writes continues it:
/// the prompt's last template text and the continuation are tokenized together, as one pass over the whole would.
/// </summary>
public sealed class ChatPrompt
{
    private readonly ChatTokenizer _tokenizer;
    private readonly string _tail;
    private readonly int[] _tailTokens;
    private readonly bool _stripsNext;

    internal ChatPrompt(ChatTokenizer tokenizer, int[] head, string tail, bool stripsNext)
    {
        _tokenizer = tokenizer;
        _tail = tail;
        _tailTokens = tokenizer.Raw(tail);
        _stripsNext = stripsNext;
        Tokens = [.. head, .. _tailTokens];
    }

    public int[] Tokens { get; }

    /// <summary>
    /// The tokens that follow <see cref="Tokens"/> when the assistant's turn starts with <paramref name="text"/>.
    /// When the prompt's last token and the text's first would merge into one token, the prompt keeps its tokens (they
    /// are what the model was served) and the text starts a fresh piece.
    /// </summary>
    public int[] Continue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_stripsNext && _tail.Length == 0)
            text = text.TrimStart(TemplateFragments.CWhitespace);
        if (text.Length == 0)
            return [];
        var all = _tokenizer.Raw(_tail + text);
        return all.AsSpan().StartsWith(_tailTokens) ? all[_tailTokens.Length..] : _tokenizer.Raw(text);
    }
}
