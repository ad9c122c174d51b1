using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// The two ways a caller hands over a multi-turn judgment, checked and turned into the judged turn and the turns
/// before it: one shared conversation that ends with the user message both candidate answers reply to, or two whole
/// sides (MT-Bench's pairwise layout), each ending with its assistant's judged answer, with the same user messages.
/// A conversation of one user message (or sides of one exchange) is a single-turn judgment.
/// </summary>
public static class JudgedConversation
{
    public const string User = "user";
    public const string Assistant = "assistant";

    /// <summary>What is wrong with a conversation: at a message (its index, and "role" or "content"), or with the whole list (Index null).</summary>
    public sealed record Problem(int? Index, string? Field, string Message);

    /// <summary>The first problem of a shared conversation (user and assistant alternating, first and last a user message), or null.</summary>
    public static Problem? SharedProblem(IReadOnlyList<ChatMessage> messages) =>
        messages.Count == 0 ? new Problem(null, null, "must hold at least one user message")
        : Alternation(messages) ?? (messages.Count % 2 == 0 ? new Problem(messages.Count - 1, "role", "must be 'user': the conversation ends with the user message the responses answer") : null);

    /// <summary>The first problem of one side (alternating, from a user message to this side's final answer), or null.</summary>
    public static Problem? SideProblem(IReadOnlyList<ChatMessage> messages) =>
        messages.Count < 2 ? new Problem(null, null, "must hold at least a user message and the assistant's answer")
        : Alternation(messages) ?? (messages.Count % 2 == 1 ? new Problem(messages.Count - 1, "role", "must be 'assistant': each side ends with its assistant's answer") : null);

    /// <summary>The first place where side B does not match side A's user messages (both valid sides), or null.</summary>
    public static Problem? SidesMismatch(IReadOnlyList<ChatMessage> a, IReadOnlyList<ChatMessage> b)
    {
        if (a.Count != b.Count)
            return new Problem(null, null, $"must have as many messages as the other side ({a.Count} against {b.Count}): both answer the same user messages");
        for (var i = 0; i < a.Count; i += 2)
            if (!string.Equals(a[i].Content, b[i].Content, StringComparison.Ordinal))
                return new Problem(i, "content", "must be the same user message on both sides");
        return null;
    }

    /// <summary>A valid shared conversation as the judged instruction and the turns before it (null: single-turn).</summary>
    public static (string Instruction, IReadOnlyList<EarlierTurn>? Earlier) FromShared(IReadOnlyList<ChatMessage> messages)
    {
        var earlier = Enumerable.Range(0, messages.Count / 2)
            .Select(i => new EarlierTurn(messages[2 * i].Content, messages[2 * i + 1].Content, messages[2 * i + 1].Content)).ToArray();
        return (messages[^1].Content, earlier.Length == 0 ? null : earlier);
    }

    /// <summary>Two valid, matching sides as the judged instruction, each side's final answer and the turns before (null: single-turn).</summary>
    public static (string Instruction, string ResponseA, string ResponseB, IReadOnlyList<EarlierTurn>? Earlier) FromSides(
        IReadOnlyList<ChatMessage> a, IReadOnlyList<ChatMessage> b)
    {
        var earlier = Enumerable.Range(0, a.Count / 2 - 1)
            .Select(i => new EarlierTurn(a[2 * i].Content, a[2 * i + 1].Content, b[2 * i + 1].Content)).ToArray();
        return (a[^2].Content, a[^1].Content, b[^1].Content, earlier.Length == 0 ? null : earlier);
    }

    private static Problem? Alternation(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var expected = i % 2 == 0 ? User : Assistant;
            if (!string.Equals(messages[i].Role, expected, StringComparison.Ordinal))
                return new Problem(i, "role", $"must be '{expected}': user and assistant messages alternate, starting with a user message");
        }
        return null;
    }
}
