using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
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
        // The exception handler has already cleared the endpoint from the context; the feature keeps it.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        if (ProblemMapping.For(exception, bodyType) is not { } problem)
            return false;

        context.Response.StatusCode = problem.Status;
        if (problem.RetryAfter is { } retryAfter)
            context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (OpenAiErrors.Applies(context))
        {
            await OpenAiErrors.WriteAsync(context, problem.Status, problem.Detail, param: problem.Errors?.Keys.FirstOrDefault(),
                code: exception is Llama.LlamaPromptTooLongException ? "context_length_exceeded" : null);
            return true;
        }
        var details = problem.Errors is { } errors ? new HttpValidationProblemDetails(errors) : new ProblemDetails();
        (details.Status, details.Title, details.Detail) = (problem.Status, problem.Title, problem.Detail);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = details });
    }
}
