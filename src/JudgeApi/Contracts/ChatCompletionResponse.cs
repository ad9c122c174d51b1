using System.Text.Json.Serialization;

namespace JudgeApi.Contracts;

// OpenAI's response objects, field for field (snake_case), as its SDKs read them.

/// <summary><c>POST /v1/chat/completions</c> answer (object "chat.completion").</summary>
public sealed record ChatCompletionResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatCompletionChoice> Choices,
    [property: JsonPropertyName("usage")] ChatCompletionUsage Usage);

/// <param name="FinishReason">"stop" (end of turn or a stop string) or "length" (the token limit).</param>
public sealed record ChatCompletionChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ChatCompletionMessage Message,
    [property: JsonPropertyName("logprobs")] ChatCompletionLogprobs? Logprobs,
    [property: JsonPropertyName("finish_reason")] string FinishReason);

public sealed record ChatCompletionLogprobs([property: JsonPropertyName("content")] IReadOnlyList<ChatTokenLogprob> Content);

/// <param name="Logprob">Natural log of the token's probability under the model (before temperature and top_p).</param>
/// <param name="Bytes">UTF-8 bytes of the token; null when it is part of a character.</param>
public sealed record ChatTokenLogprob(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("logprob")] double Logprob,
    [property: JsonPropertyName("bytes")] IReadOnlyList<int>? Bytes,
    [property: JsonPropertyName("top_logprobs")] IReadOnlyList<ChatTopLogprob> TopLogprobs);

public sealed record ChatTopLogprob(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("logprob")] double Logprob,
    [property: JsonPropertyName("bytes")] IReadOnlyList<int>? Bytes);

public sealed record ChatCompletionUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

/// <summary>One server-sent event of a streamed completion (object "chat.completion.chunk").</summary>
/// <param name="Usage">Only on the last chunk, when stream_options.include_usage is set (its choices are then empty).</param>
public sealed record ChatCompletionChunk(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChunkChoice> Choices,
    [property: JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChatCompletionUsage? Usage = null);

/// <param name="FinishReason">Null until the choice's last chunk.</param>
public sealed record ChatChunkChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("delta")] ChatChunkDelta Delta,
    [property: JsonPropertyName("logprobs")] ChatCompletionLogprobs? Logprobs,
    [property: JsonPropertyName("finish_reason")] string? FinishReason);

/// <param name="Role">"assistant" on a choice's first chunk only.</param>
public sealed record ChatChunkDelta(
    [property: JsonPropertyName("role"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonPropertyName("content"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

/// <summary><c>GET /v1/models</c> answer.</summary>
public sealed record ModelList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<ModelEntry> Data);

/// <param name="Id">The base model's file name, or an adapter's registry id (as /adapters and /judge name it).</param>
/// <param name="Active">Whether /judge serves these weights now.</param>
public sealed record ModelEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy,
    [property: JsonPropertyName("active")] bool Active);

/// <summary>OpenAI's error body, <c>{"error": {...}}</c>, on every /v1 route.</summary>
public sealed record OpenAiErrorResponse([property: JsonPropertyName("error")] OpenAiError Error);

/// <param name="Type">invalid_request_error, authentication_error, permission_error, not_found_error, rate_limit_error or server_error.</param>
/// <param name="Param">The request field at fault, when there is one.</param>
public sealed record OpenAiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
