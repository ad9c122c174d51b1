using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace JudgeApi.Infrastructure;

/// <summary>Turns expected failures into problem+json (see <see cref="ProblemMapping"/>); a client that went away gets nothing.</summary>
internal sealed class JudgeExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>Nginx's "client closed request": logged, never sent.</summary>
    private const int ClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = ClientClosedRequest;
            return true;
        }
        if (ProblemMapping.For(exception) is not { } problem)
            return false;

        context.Response.StatusCode = problem.Status;
        if (problem.RetryAfter is { } retryAfter)
            context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (OpenAiErrors.Applies(context))
        {
            await OpenAiErrors.WriteAsync(context, problem.Status, problem.Detail,
                code: exception is Llama.LlamaPromptTooLongException ? "context_length_exceeded" : null);
            return true;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = problem.Status, Title = problem.Title, Detail = problem.Detail },
        });
    }
}
