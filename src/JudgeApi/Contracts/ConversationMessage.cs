using JudgeApi.Llama;

namespace JudgeApi.Contracts;

/// <summary>One message of a conversation in a judge request (OpenAI's chat shape, text content).</summary>
public sealed record ConversationMessage
{
    /// <summary>"user" or "assistant".</summary>
    public string? Role { get; init; }

    public string? Content { get; init; }

    /// <summary>The validated messages as chat messages.</summary>
    public static IReadOnlyList<ChatMessage> ToChat(IEnumerable<ConversationMessage?> messages) =>
        messages.Select(m => new ChatMessage(m!.Role!, m.Content!)).ToArray();
}
