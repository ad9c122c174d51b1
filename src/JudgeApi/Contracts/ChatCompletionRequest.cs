using System.Text.Json;
using System.Text.Json.Serialization;

namespace JudgeApi.Contracts;

/// <summary>
/// <c>POST /v1/chat/completions</c> body, in OpenAI's snake_case. Fields OpenAI defines that this server has no use
/// for (presence_penalty, user, …) are ignored, as llama-server and vLLM ignore them.
/// </summary>
public sealed record ChatCompletionRequest
{
    /// <summary>A model id from GET /v1/models: the base model or an adapter id.</summary>
    [JsonPropertyName("model")] public string? Model { get; init; }

    /// <summary>The conversation; it goes through the model's chat template with an assistant turn opened after it.</summary>
    [JsonPropertyName("messages")] public List<ChatCompletionMessage?>? Messages { get; init; }

    /// <summary>Tokens per choice (default: what the context leaves after the prompt).</summary>
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }

    /// <summary>The newer name of max_tokens; wins when both are given.</summary>
    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; init; }

    /// <summary>0..2, default 1; 0 is greedy.</summary>
    [JsonPropertyName("temperature")] public double? Temperature { get; init; }

    /// <summary>Nucleus sampling, (0, 1], default 1.</summary>
    [JsonPropertyName("top_p")] public double? TopP { get; init; }

    /// <summary>Seed of the first choice (choice i: seed + i); default 0, so a repeated request samples the same.</summary>
    [JsonPropertyName("seed")] public long? Seed { get; init; }

    /// <summary>Up to 4 strings; generation ends before the first one and the text leaves it out.</summary>
    [JsonPropertyName("stop"), JsonConverter(typeof(StringOrListConverter))] public List<string>? Stop { get; init; }

    /// <summary>Choices to sample, 1..<see cref="ChatCompletionRequestValidator.MaxChoices"/>, default 1.</summary>
    [JsonPropertyName("n")] public int? N { get; init; }

    /// <summary>Return each token's log-probability.</summary>
    [JsonPropertyName("logprobs")] public bool? Logprobs { get; init; }

    /// <summary>With logprobs: this many likeliest alternatives per token, 0..20.</summary>
    [JsonPropertyName("top_logprobs")] public int? TopLogprobs { get; init; }

    /// <summary>Server-sent events of chat.completion.chunk objects, ending with data: [DONE].</summary>
    [JsonPropertyName("stream")] public bool? Stream { get; init; }

    [JsonPropertyName("stream_options")] public ChatStreamOptions? StreamOptions { get; init; }

    public int? TokenLimit => MaxCompletionTokens ?? MaxTokens;
}

/// <param name="Content">A string, or an array of {"type": "text", "text"} parts, which are joined.</param>
public sealed record ChatCompletionMessage(
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("content"), JsonConverter(typeof(TextContentConverter))] string? Content);

/// <param name="IncludeUsage">Send one last chunk with usage and no choices before [DONE].</param>
public sealed record ChatStreamOptions([property: JsonPropertyName("include_usage")] bool? IncludeUsage);

/// <summary>A string or an array of strings, as OpenAI's <c>stop</c>.</summary>
internal sealed class StringOrListConverter : JsonConverter<List<string>>
{
    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? [reader.GetString()!] : JsonSerializer.Deserialize<List<string>>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);
}

/// <summary>Message content: a string, or text parts (<c>[{"type": "text", "text": "…"}]</c>) joined into one.</summary>
internal sealed class TextContentConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return reader.GetString();
        var parts = JsonSerializer.Deserialize<List<ContentPart>>(ref reader, options) ?? [];
        if (parts.FirstOrDefault(p => p.Type != "text" || p.Text is null) is { } other)
            throw new JsonException($"Only text content parts are supported, not '{other.Type}'.");
        return string.Concat(parts.Select(p => p.Text));
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private sealed record ContentPart([property: JsonPropertyName("type")] string? Type, [property: JsonPropertyName("text")] string? Text);
}
