using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// A chat completion as OpenAI-compatible servers (llama-server, vLLM) define one: the messages go through the model's
/// chat template, then <see cref="Choices"/> independent generations are sampled, each ending at an end-of-generation
/// token, a stop string or <see cref="MaxTokens"/>.
/// </summary>
/// <param name="MaxTokens">Tokens per choice; null: whatever the context has left after the prompt.</param>
/// <param name="Seed">Seed of choice 0; choice i uses Seed + i.</param>
/// <param name="TopLogprobs">null: no log-probabilities; else each token's and its top alternatives' (0..<see cref="MaxTopLogprobs"/>).</param>
/// <param name="Weights">The base model or an adapter; null: the active weights.</param>
/// <param name="OnDelta">Called with text as soon as it is final (text that could start a stop string is held back); on the scheduler's thread, so it must not block.</param>
public sealed record CompletionRequest(
    IReadOnlyList<ChatMessage> Messages,
    int? MaxTokens = null,
    float Temperature = 1,
    float TopP = 1,
    uint Seed = 0,
    IReadOnlyList<string>? Stop = null,
    int Choices = 1,
    int? TopLogprobs = null,
    JudgeWeights? Weights = null,
    Action<CompletionDelta>? OnDelta = null)
{
    public const int MaxTopLogprobs = 20;
}

/// <summary>New text of one choice, with the log-probabilities of the tokens it came from when they were asked for.</summary>
public sealed record CompletionDelta(int Choice, string Text, IReadOnlyList<TokenLogprob> Logprobs);

/// <summary>A sampled token: its text, its log-probability under the model (the logits before temperature and top-p) and the likeliest alternatives.</summary>
/// <param name="Bytes">The token's UTF-8 bytes; null when the token is part of a character (its text is then U+FFFD).</param>
public sealed record TokenLogprob(string Token, double Logprob, byte[]? Bytes, IReadOnlyList<TopLogprob> Top);

public sealed record TopLogprob(string Token, double Logprob, byte[]? Bytes);

/// <param name="Text">The generated text, cut before a stop string that ended it.</param>
/// <param name="Tokens">Tokens sampled for this choice.</param>
/// <param name="Logprobs">One entry per token of <see cref="Text"/>, when asked for.</param>
public sealed record CompletionChoice(string Text, int Tokens, CompletionFinish Finish, IReadOnlyList<TokenLogprob>? Logprobs);

public enum CompletionFinish
{
    /// <summary>An end-of-generation token or a stop string.</summary>
    Stop,

    /// <summary>The token limit.</summary>
    Length,
}

public sealed record CompletionResult(IReadOnlyList<CompletionChoice> Choices, int PromptTokens);
