using JudgeApi.Judging;

namespace JudgeApi.Infrastructure;

/// <summary>A request that was still running when the shutdown grace period ended; it is answered 503 rather than cut off.</summary>
public sealed class ServiceStoppingException(TimeSpan grace)
    : Exception($"The service is stopping and this request was still running when its {grace.TotalSeconds:0} s grace period (Judge:ShutdownGraceSeconds) ended. Send it again.");

/// <summary>
/// Lets running requests drain at shutdown: each request's <see cref="HttpContext.RequestAborted"/> also fires at the
/// grace deadline (<see cref="ShutdownGrace.Deadline"/>), and a request that ends that way is answered 503 with
/// Retry-After (<see cref="ProblemMapping"/>) before Kestrel closes the connections, instead of being cut off unanswered.
/// </summary>
public static class RequestDrain
{
    public static IApplicationBuilder UseRequestDrain(this IApplicationBuilder app)
    {
        var grace = app.ApplicationServices.GetRequiredService<ShutdownGrace>();
        return app.Use(async (context, next) =>
        {
            var client = context.RequestAborted;
            using var either = CancellationTokenSource.CreateLinkedTokenSource(client, grace.Deadline);
            context.RequestAborted = either.Token;
            try
            {
                await next(context);
            }
            catch (OperationCanceledException) when (grace.Deadline.IsCancellationRequested && !client.IsCancellationRequested)
            {
                throw new ServiceStoppingException(grace.Grace);
            }
            finally
            {
                context.RequestAborted = client;
            }
        });
    }
}
