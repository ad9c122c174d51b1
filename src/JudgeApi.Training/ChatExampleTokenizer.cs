using JudgeApi.Llama;

namespace JudgeApi.Training;

/// <summary>
/// Turns a conversation into a training sequence exactly as the service renders prompts: prompt =
/// chat template(messages without the last assistant turn, with the assistant prefix), target = the assistant
/// content followed by the template's end-of-turn token, each tokenized with the model's vocabulary.
/// </summary>
public sealed class ChatExampleTokenizer
{
    private readonly LlamaModel _vocab;
    private readonly int _maxSequenceLength;

    /// <summary>The token that closes an assistant turn in this model's template (EOS when the template has none).</summary>
    public int EndOfTurnToken { get; }

    /// <param name="vocab">The base model (a vocab-only load is enough).</param>
    public ChatExampleTokenizer(LlamaModel vocab, int maxSequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequenceLength, 2);
        _vocab = vocab;
        _maxSequenceLength = maxSequenceLength;
        EndOfTurnToken = FindEndOfTurnToken(vocab);
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

        var promptText = _vocab.ApplyChatTemplate(messages.Take(messages.Count - 1).ToList(), addAssistantPrefix: true);
        var prompt = _vocab.Tokenize(promptText, addSpecial: true, parseSpecial: true);
        var target = _vocab.Tokenize(messages[^1].Content, addSpecial: false, parseSpecial: false).Append(EndOfTurnToken).ToArray();
        if (target.Length >= _maxSequenceLength)
            throw new TrainingDataException(
                $"The assistant turn of the {where} is {target.Length} tokens, which leaves no room for its prompt within the maximum sequence length {_maxSequenceLength}; raise it.",
                example.LineNumber);

        // Too long: drop prompt tokens from the front (after BOS, which the model expects first).
        var truncated = Math.Max(0, prompt.Length + target.Length - _maxSequenceLength);
        if (truncated > 0)
        {
            var keepBos = prompt[0] == _vocab.BosToken ? 1 : 0;
            prompt = [.. prompt.AsSpan(0, keepBos), .. prompt.AsSpan(keepBos + truncated)];
        }
        return new TokenizedExample([.. prompt, .. target], prompt.Length, truncated);
    }

    /// <summary>Renders a probe conversation and reads which end-of-generation token the template puts after an assistant turn.</summary>
    private static int FindEndOfTurnToken(LlamaModel vocab)
    {
        const string reply = "x";
        ChatMessage[] question = [new("user", "q")];
        var prompt = vocab.ApplyChatTemplate(question, addAssistantPrefix: true);
        var full = vocab.ApplyChatTemplate([.. question, new ChatMessage("assistant", reply)], addAssistantPrefix: false);
        if (full.StartsWith(prompt + reply, StringComparison.Ordinal))
        {
            foreach (var token in vocab.Tokenize(full[(prompt.Length + reply.Length)..], addSpecial: false, parseSpecial: true))
            {
                if (vocab.IsEndOfGeneration(token))
                    return token;
            }
        }
        return vocab.EosToken;
    }
}
