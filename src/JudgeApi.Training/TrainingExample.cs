using JudgeApi.Llama;

namespace JudgeApi.Training;

/// <summary>
/// One conversation to learn from: the last message is the assistant turn whose content is the target; the
/// messages before it form the prompt. LineNumber (1-based) names the dataset line in error messages.
/// </summary>
public sealed record TrainingExample(IReadOnlyList<ChatMessage> Messages, int? LineNumber = null)
{
    /// <summary>"line 7" or "example 3" for error messages.</summary>
    internal string Describe(int index) => LineNumber is { } line ? $"line {line}" : $"example {index + 1}";
}
