namespace JudgeApi.Tests.Fidelity;

/// <summary>Conversations as JSON bodies and labeled-set lines write them.</summary>
internal static class Conversations
{
    /// <summary>Messages with these contents, user and assistant alternating from a user message.</summary>
    public static object[] Messages(params string[] contents) =>
        contents.Select((c, i) => (object)new { role = i % 2 == 0 ? "user" : "assistant", content = c }).ToArray();
}
