using JudgeApi.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JudgeApi.Infrastructure;

/// <summary>
/// On the OpenAI-compatible routes (<c>/v1/…</c>) every error is OpenAI's <c>{"error": {...}}</c>, which its SDKs
/// read, instead of problem+json; the status codes are the same.
/// </summary>
public static class OpenAiErrors
{
    public const string Prefix = "/v1";

    public static bool Applies(HttpContext context) => context.Request.Path.StartsWithSegments(Prefix);

    public static JsonHttpResult<OpenAiErrorResponse> Result(int status, string message, string? param = null, string? code = null) =>
        TypedResults.Json(Body(status, message, param, code), statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string message, string? param = null, string? code = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Body(status, message, param, code));
    }

    private static OpenAiErrorResponse Body(int status, string message, string? param, string? code) =>
        new(new OpenAiError(message, Type(status), param, code ?? DefaultCode(status)));

    private static string Type(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private static string? DefaultCode(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_api_key",
        StatusCodes.Status429TooManyRequests => "rate_limit_exceeded",
        _ => null,
    };

    /// <summary>The message for a bare status (no handler wrote a body): what OpenAI says for it.</summary>
    public static string StatusMessage(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "A valid API key is required: Authorization: Bearer <key>.",
        StatusCodes.Status403Forbidden => "This API key may not call this endpoint.",
        StatusCodes.Status404NotFound => "No such route.",
        StatusCodes.Status405MethodNotAllowed => "Method not allowed on this route.",
        _ => $"The request failed with status {status}.",
    };
}
