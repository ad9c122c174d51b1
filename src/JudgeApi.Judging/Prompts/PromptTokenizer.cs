using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// The judge's prompts as tokens: <see cref="JudgePrompt"/> rendered and tokenized by the model's
/// <see cref="ChatTokenizer"/>, the same tokenizer the trainer reads a dataset line with, so an adapter trained on a
/// judgment's example sees the tokens the judgment was served. Every text a user sends (instruction, responses,
/// criteria) is message content, which never becomes a special token.
/// </summary>
internal sealed class PromptTokenizer(ChatTokenizer chat)
{
    public ChatTemplate Template => chat.Template;

    /// <summary>The judge prompt for one order (first shown as A), ending where the judge's turn begins.</summary>
    public ChatPrompt Judge(string instruction, string first, string second, string? criteria) =>
        chat.Prompt(JudgePrompt.Render(instruction, first, second, criteria));

    /// <summary>A free chat prompt (generation for the self-taught stages).</summary>
    public ChatPrompt Chat(IReadOnlyList<ChatMessage> messages) => chat.Prompt(messages);
}
