using JudgeApi.Contracts;
using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.Infrastructure;

/// <summary>The one place that says which HTTP status and text an expected failure gets (single requests and batch items).</summary>
public static class ProblemMapping
{
    /// <param name="Errors">Messages by field, when the failure is about fields of the body.</param>
    public sealed record Problem(int Status, string Title, string Detail, TimeSpan? RetryAfter = null, IDictionary<string, string[]>? Errors = null);

    /// <param name="bodyType">The endpoint's body type, to name what a field of the wrong JSON type must be.</param>
    public static Problem? For(Exception exception, Type? bodyType = null) => exception switch
    {
        LlamaPromptTooLongException tooLong => new Problem(StatusCodes.Status400BadRequest, "The prompt is too long for the model's context.",
            $"The judgment needs {tooLong.Tokens} tokens (prompt, maxReasoningTokens and verdict) but one judgment may use {tooLong.Limit}: " +
            $"{tooLong.Tokens - tooLong.Limit} tokens too many. Shorten the texts or lower maxReasoningTokens."),
        JudgeEngineNotReadyException { LoadFailed: true } failed => new Problem(StatusCodes.Status503ServiceUnavailable, "The judge model failed to load.", failed.Message),
        JudgeEngineNotReadyException notReady => new Problem(StatusCodes.Status503ServiceUnavailable, "The judge model is not ready.", notReady.Message, TimeSpan.FromSeconds(5)),
        ServiceStoppingException stopping => new Problem(StatusCodes.Status503ServiceUnavailable, "The service is stopping.", stopping.Message, TimeSpan.FromSeconds(5)),
        JudgeOutputException output => new Problem(StatusCodes.Status500InternalServerError, "The judge model produced no valid verdict.", output.Message),
        BadHttpRequestException { InnerException: System.Text.Json.JsonException json } => Unreadable(JsonBodyErrors.Describe(json, bodyType)),
        BadHttpRequestException bad => new Problem(bad.StatusCode, Title(bad.StatusCode), Detail(bad)),
        _ when SelfTaught.SelfTaughtDatabase.IsUnavailable(exception) => new Problem(StatusCodes.Status503ServiceUnavailable, "The state store cannot be reached.",
            "The database that holds iterations and adapters does not answer right now (judgments do not need it); try again shortly.", TimeSpan.FromSeconds(5)),
        _ => null,
    };

    private static Problem Unreadable(JsonBodyErrors.BodyError error) => error.Field is null
        ? new Problem(StatusCodes.Status400BadRequest, "The request could not be read.", error.Message)
        : new Problem(StatusCodes.Status400BadRequest, "The request is not valid.", error.Message, Errors: JsonBodyErrors.ByField(error));

    private static string Detail(BadHttpRequestException bad) => bad switch
    {
        { StatusCode: StatusCodes.Status400BadRequest, InnerException: null } when bad.Message.Contains("no body", StringComparison.Ordinal) =>
            "A JSON object body is required.",
        _ => bad.Message,
    };

    private static string Title(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
        _ => "The request could not be read.",
    };
}
