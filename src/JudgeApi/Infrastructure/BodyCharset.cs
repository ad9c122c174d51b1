using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace JudgeApi.Infrastructure;

/// <summary>
/// ASP.NET Core reads a JSON body in the charset its Content-Type names, and a name it does not know fails the read
/// with an InvalidOperationException, a 500. This answers such a request 415 with the reason before any endpoint reads it
/// (in OpenAI's error shape on /v1).
/// </summary>
public static class BodyCharset
{
    public static IApplicationBuilder UseKnownBodyCharsets(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            && HeaderUtilities.RemoveQuotes(type.Charset).Value is { Length: > 0 } charset && !IsKnown(charset))
        {
            var detail = $"The Content-Type names the charset '{charset}', which is not a known encoding; send the body as UTF-8.";
            if (OpenAiErrors.Applies(context))
            {
                await OpenAiErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, detail);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status415UnsupportedMediaType,
                    Title = "The request body's charset is not supported.",
                    Detail = detail,
                },
            });
            return;
        }
        await next(context);
    });

    private static bool IsKnown(string charset)
    {
        try
        {
            System.Text.Encoding.GetEncoding(charset);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
