using System.Text.RegularExpressions;
using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// Turns chat messages into prompt tokens through the model's own chat template. Judged texts are put in after
/// templating and tokenized without parsing special tokens, so a response that contains "&lt;|eot_id|&gt;" or a fake
/// delimiter stays plain text inside its slot.
/// </summary>
internal sealed partial class PromptTokenizer(LlamaModel model)
{
    private readonly string? _bosText = model.BosToken >= 0 ? model.TokenToPiece(model.BosToken, special: true) : null;

    /// <summary>False when the model has no chat template and the plain fallback layout is used.</summary>
    public bool HasChatTemplate { get; } = !string.IsNullOrEmpty(model.ChatTemplate);

    /// <summary>The judge prompt for one order, ending with the assistant turn's opening.</summary>
    public int[] Judge(JudgedTexts texts)
    {
        var (system, parts, values) = JudgePrompt.Layout(texts);
        var user = string.Concat(parts.Select(p => p.Slot is { } slot ? SlotMarker(slot) : p.Text));
        var rendered = Render([new ChatMessage("system", system), new ChatMessage("user", user)]);

        var tokens = new List<int>();
        var at = 0;
        foreach (Match m in SlotMarkerPattern().Matches(rendered))
        {
            tokens.AddRange(Template(rendered[at..m.Index], first: at == 0));
            tokens.AddRange(model.Tokenize(values[int.Parse(m.Groups[1].ValueSpan)], addSpecial: false, parseSpecial: false));
            at = m.Index + m.Length;
        }
        tokens.AddRange(Template(rendered[at..], first: at == 0));
        return [.. tokens];
    }

    /// <summary>A free chat prompt (trusted text: special tokens are parsed).</summary>
    public int[] Chat(IReadOnlyList<ChatMessage> messages) => Template(Render(messages), first: true);

    private int[] Template(string text, bool first) =>
        text.Length == 0 ? [] : model.Tokenize(text, addSpecial: first && (_bosText is null || !text.StartsWith(_bosText, StringComparison.Ordinal)), parseSpecial: true);

    private string Render(IReadOnlyList<ChatMessage> messages) =>
        HasChatTemplate
            ? model.ApplyChatTemplate(messages, addAssistantPrefix: true)
            : string.Concat(messages.Select(m => $"### {m.Role}:\n{m.Content}\n\n")) + "### assistant:\n";

    private static string SlotMarker(int slot) => $"\u27E6judge-slot-{slot}\u27E7";

    [GeneratedRegex("\u27E6judge-slot-(\\d+)\u27E7")]
    private static partial Regex SlotMarkerPattern();
}
