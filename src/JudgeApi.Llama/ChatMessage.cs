namespace JudgeApi.Llama;

/// <summary>One turn of a chat ("system", "user", "assistant").</summary>
public sealed record ChatMessage(string Role, string Content);
