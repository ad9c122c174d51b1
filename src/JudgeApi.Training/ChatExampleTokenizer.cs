using JudgeApi.Llama;

namespace JudgeApi.Training;

/// <summary>
/// Turns a conversation into a training sequence with the model's <see cref="ChatTokenizer"/>, the tokenizer the
/// service serves prompts with: the prompt is token for token what the service decodes for the same messages, the
/// target is the assistant content and the template's end of turn as they continue it, and no message content
/// becomes a special token.
/// </summary>
public sealed class ChatExampleTokenizer
{
    private readonly ChatTokenizer _chat;
    private readonly int _maxSequenceLength;

    /// <param name="chat">The base model's tokenizer (a vocab-only load is enough) and chat template.</param>
    public ChatExampleTokenizer(ChatTokenizer chat, int maxSequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequenceLength, 2);
        _chat = chat;
        _maxSequenceLength = maxSequenceLength;
    }

    /// <summary>Validates and tokenizes one example; index names it in errors when it has no line number.</summary>
    public TokenizedExample Tokenize(TrainingExample example, int index)
    {
        var where = example.Describe(index);
        var messages = example.Messages;
        if (messages is null || messages.Count == 0)
            throw new TrainingDataException($"The {where} has no messages.", example.LineNumber);
        if (messages[^1].Role != "assistant")
            throw new TrainingDataException(
                $"The {where} has no assistant turn to learn: its last message must have role \"assistant\" (it has \"{messages[^1].Role}\").", example.LineNumber);
        if (messages.Count == 1)
            throw new TrainingDataException($"The {where} has only an assistant turn; it needs a prompt (a user message) before it.", example.LineNumber);

        var conversation = _chat.Conversation(messages);
        var prompt = conversation.Tokens[..conversation.PromptLength];
        var target = conversation.Tokens[conversation.PromptLength..];
        if (target.Length >= _maxSequenceLength)
            throw new TrainingDataException(
                $"The assistant turn of the {where} is {target.Length} tokens, which leaves no room for its prompt within the maximum sequence length {_maxSequenceLength}; raise it.",
                example.LineNumber);

        // Too long: drop prompt tokens from the front (after BOS, which the model expects first).
        var truncated = Math.Max(0, prompt.Length + target.Length - _maxSequenceLength);
        if (truncated > 0)
        {
            var keepBos = prompt[0] == _chat.Model.BosToken ? 1 : 0;
            prompt = [.. prompt.AsSpan(0, keepBos), .. prompt.AsSpan(keepBos + truncated)];
        }
        return new TokenizedExample([.. prompt, .. target], prompt.Length, truncated);
    }
}
