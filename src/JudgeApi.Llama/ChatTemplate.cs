using System.Text.RegularExpressions;

namespace JudgeApi.Llama;

/// <summary>
/// The chat template a model's prompts are rendered with: the model's own (<c>tokenizer.chat_template</c>, which
/// llama.cpp's built-in formatter recognises by its Jinja source), one of llama.cpp's built-in templates by name (for a
/// model whose own template it does not know), or, for a model without any template, a plain "### role:" layout.
/// Creating one renders a probe conversation, so an unusable template fails here, at load, and not on every prompt.
/// </summary>
public sealed partial class ChatTemplate
{
    /// <summary>What Qwen3's template writes after the assistant opening when <c>enable_thinking</c> is false.</summary>
    internal const string EmptyThought = "<think>\n\n</think>\n\n";

    /// <summary>What QwQ's and DeepSeek-R1's templates open the assistant turn with: the model thinks first.</summary>
    internal const string OpenThought = "<think>\n";

    private const string ThoughtEnd = "</think>";

    private readonly LlamaModel _model;
    private readonly string? _builtIn;

    private ChatTemplate(LlamaModel model, string? builtIn, bool plain, ChatThinking thinking, string generationSuffix)
    {
        _model = model;
        _builtIn = builtIn;
        IsPlain = plain;
        Thinking = thinking;
        GenerationSuffix = generationSuffix;
    }

    /// <summary>No template at all: the plain layout is used (a model that was not chat-tuned).</summary>
    public bool IsPlain { get; }

    /// <summary>How the template treats thinking (<c>&lt;think&gt;</c> blocks), read from the model's own template.</summary>
    public ChatThinking Thinking { get; }

    /// <summary>"the model's own", "built-in 'chatml'" or "plain", for logs and errors.</summary>
    public string Description => IsPlain ? "plain" : _builtIn is null ? "the model's own" : $"built-in '{_builtIn}'";

    /// <summary>
    /// Template text after the assistant turn's opening in every prompt: the empty thought that turns thinking off
    /// (<see cref="ChatThinking.Disabled"/>), the open thought the template starts a thinking turn with, or nothing.
    /// </summary>
    internal string GenerationSuffix { get; }

    /// <summary>The template of <paramref name="model"/>, or the built-in one named <paramref name="builtInName"/> instead.</summary>
    /// <exception cref="LlamaChatTemplateException">The name is not a built-in template, or llama.cpp does not recognise the model's own.</exception>
    public static ChatTemplate For(LlamaModel model, string? builtInName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ChatTemplate template;
        if (!string.IsNullOrWhiteSpace(builtInName))
        {
            var name = builtInName.Trim();
            if (!LlamaRuntime.BuiltInChatTemplates.Contains(name, StringComparer.Ordinal))
                throw new LlamaChatTemplateException(
                    $"'{name}' is not one of llama.cpp's built-in chat templates: {string.Join(", ", LlamaRuntime.BuiltInChatTemplates)}.");
            template = new ChatTemplate(model, name, plain: false, ChatThinking.None, "");
        }
        else if (string.IsNullOrEmpty(model.ChatTemplate))
        {
            template = new ChatTemplate(model, null, plain: true, ChatThinking.None, "");
        }
        else
        {
            var (thinking, suffix) = ThinkingOf(model.ChatTemplate);
            template = new ChatTemplate(model, null, plain: false, thinking, suffix);
        }
        template.Render([new("system", "s"), new("user", "u"), new("assistant", "a")], addAssistantPrefix: false);
        return template;
    }

    /// <summary>
    /// A template that can turn thinking off (Qwen3: <c>enable_thinking</c>) is rendered with it off; one that always
    /// thinks (QwQ, DeepSeek-R1 distills: think tags without a switch) is let think, opening the thought as its
    /// generation prompt does.
    /// </summary>
    private static (ChatThinking, string) ThinkingOf(string source)
    {
        if (!source.Contains(ThoughtEnd, StringComparison.Ordinal))
            return (ChatThinking.None, "");
        if (source.Contains("enable_thinking", StringComparison.Ordinal))
            return (ChatThinking.Disabled, EmptyThought);
        return (ChatThinking.Always, OpensThought().IsMatch(source) ? OpenThought : "");
    }

    /// <summary>
    /// Renders <paramref name="messages"/> as template text and message contents, in order. The template runs once on
    /// markers in place of the contents (so its text is known apart from theirs) and once on the contents, to learn
    /// which contents it trims.
    /// </summary>
    internal RenderedChat Render(IReadOnlyList<ChatMessage> messages, bool addAssistantPrefix)
    {
        if (IsPlain)
            return RenderPlain(messages, addAssistantPrefix);

        var markers = messages.Select((m, i) => m with { Content = Marker(i) }).ToList();
        var skeleton = _model.ApplyChatTemplate(markers, addAssistantPrefix, _builtIn);
        var real = _model.ApplyChatTemplate(messages, addAssistantPrefix, _builtIn);

        var pieces = new List<string>();
        var order = new List<int>();
        var at = 0;
        foreach (Match m in MarkerPattern().Matches(skeleton))
        {
            pieces.Add(skeleton[at..m.Index]);
            order.Add(int.Parse(m.Groups[1].ValueSpan));
            at = m.Index + m.Length;
        }
        pieces.Add(skeleton[at..]);

        var contents = new string[order.Count];
        if (!Fill(real, 0, pieces, order, messages, contents, 0))
            throw new LlamaChatTemplateException(
                $"The chat template ({Description}) changes message text in a way the tokenizer cannot follow (it does more than trim it).");
        return new RenderedChat([.. pieces], contents, [.. order]);
    }

    /// <summary>Chooses each content as given or trimmed (llama.cpp's templates trim some) so that the parts spell <paramref name="real"/>.</summary>
    private static bool Fill(string real, int position, List<string> pieces, List<int> order, IReadOnlyList<ChatMessage> messages, string[] contents, int index)
    {
        if (string.CompareOrdinal(real, position, pieces[index], 0, pieces[index].Length) != 0)
            return false;
        position += pieces[index].Length;
        if (index == contents.Length)
            return position == real.Length;
        var content = messages[order[index]].Content;
        foreach (var candidate in content == TrimC(content) ? [content] : new[] { content, TrimC(content) })
        {
            if (string.CompareOrdinal(real, position, candidate, 0, candidate.Length) == 0
                && Fill(real, position + candidate.Length, pieces, order, messages, contents, index + 1))
            {
                contents[index] = candidate;
                return true;
            }
        }
        return false;
    }

    private static RenderedChat RenderPlain(IReadOnlyList<ChatMessage> messages, bool addAssistantPrefix)
    {
        var pieces = new List<string>();
        var before = "";
        foreach (var message in messages)
        {
            pieces.Add(before + $"### {message.Role}:\n");
            before = "\n\n";
        }
        pieces.Add(before + (addAssistantPrefix ? "### assistant:\n" : ""));
        return new RenderedChat([.. pieces], messages.Select(m => m.Content).ToArray(), Enumerable.Range(0, messages.Count).ToArray());
    }

    /// <summary>Trims what C's isspace calls whitespace, as llama.cpp's templates do.</summary>
    private static string TrimC(string text) => text.Trim(TemplateFragments.CWhitespace);

    private static string Marker(int index) => $"\uE000{index}\uE001";

    [GeneratedRegex("\uE000(\\d+)\uE001")]
    private static partial Regex MarkerPattern();

    /// <summary>A generation prompt that ends by opening a thought: a Jinja string literal ending in "&lt;think&gt;\n".</summary>
    [GeneratedRegex(@"<think>\\n['""]")]
    private static partial Regex OpensThought();
}

/// <summary>How a chat template treats thinking (<c>&lt;think&gt;…&lt;/think&gt;</c> before the answer).</summary>
public enum ChatThinking
{
    /// <summary>The template knows no thinking.</summary>
    None,

    /// <summary>The template can turn thinking off (Qwen3's <c>enable_thinking</c>); prompts end with an empty thought.</summary>
    Disabled,

    /// <summary>The model always thinks first (QwQ, DeepSeek-R1 distills); its answer follows <c>&lt;/think&gt;</c>.</summary>
    Always,
}

/// <summary>
/// A rendered chat as the template's own text and the message contents between it:
/// <c>Pieces[0] + Contents[0] + Pieces[1] + … + Pieces[^1]</c>. <see cref="MessageOf"/> says which message each content is.
/// </summary>
internal sealed record RenderedChat(string[] Pieces, string[] Contents, int[] MessageOf)
{
    public string Text => string.Concat(Pieces.Zip(Contents.Append(""), (p, c) => p + c));
}
