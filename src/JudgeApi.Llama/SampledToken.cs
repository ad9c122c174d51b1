namespace JudgeApi.Llama;

/// <summary>One draw of <see cref="LlamaSampler.SampleEach"/>: the token it accepted, or why it could not draw one.</summary>
/// <param name="Token">The accepted token; -1 when <paramref name="Error"/> is set.</param>
/// <param name="Error">What <see cref="LlamaSampler.Sample"/> would have thrown for this draw.</param>
public readonly record struct SampledToken(int Token, LlamaException? Error);
