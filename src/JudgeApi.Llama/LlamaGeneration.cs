namespace JudgeApi.Llama;

/// <summary>Result of <see cref="LlamaContext.Generate"/>: the generated tokens (without the end token) and their text.</summary>
public sealed record LlamaGeneration(int[] Tokens, string Text, GenerationStopReason StopReason);

public enum GenerationStopReason
{
    /// <summary>The model produced an end-of-generation token.</summary>
    EndOfGeneration,

    /// <summary>maxTokens tokens were generated.</summary>
    MaxTokens,

    /// <summary>The sequence reached the context's size.</summary>
    ContextFull,
}
