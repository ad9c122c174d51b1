using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.Infrastructure;

/// <summary>The one place that says which HTTP status and text an expected failure gets (single requests and batch items).</summary>
public static class ProblemMapping
{
    public sealed record Problem(int Status, string Title, string Detail, TimeSpan? RetryAfter = null);

    public static Problem? For(Exception exception) => exception switch
    {
        LlamaPromptTooLongException tooLong => new Problem(StatusCodes.Status400BadRequest, "The prompt is too long for the model's context.",
            $"The judgment needs {tooLong.Tokens} tokens (prompt, maxReasoningTokens and verdict) but one judgment may use {tooLong.Limit}: " +
            $"{tooLong.Tokens - tooLong.Limit} tokens too many. Shorten the texts or lower maxReasoningTokens."),
        JudgeEngineNotReadyException notReady => new Problem(StatusCodes.Status503ServiceUnavailable, "The judge model is not ready.", notReady.Message, TimeSpan.FromSeconds(5)),
        BadHttpRequestException bad => new Problem(bad.StatusCode, Title(bad.StatusCode), Detail(bad)),
        _ when SelfTaught.SelfTaughtDatabase.IsUnavailable(exception) => new Problem(StatusCodes.Status503ServiceUnavailable, "The state store cannot be reached.",
            "The database that holds iterations and adapters does not answer right now (judgments do not need it); try again shortly.", TimeSpan.FromSeconds(5)),
        _ => null,
    };

    private static string Detail(BadHttpRequestException bad) => bad switch
    {
        { InnerException: System.Text.Json.JsonException json } => "The body is not valid JSON for this endpoint: " + json.Message,
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
