using System.Globalization;
using System.Threading.RateLimiting;
using JudgeApi.Auth;
using JudgeApi.Infrastructure;
using JudgeApi.Judging;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace JudgeApi.Extensions;

/// <summary>
/// Admission to the judge (POST /judge, /judge/batch, /v1/…) with ASP.NET Core's rate limiter: at most
/// <c>Judge:MaxQueue</c> requests at once (503 + Retry-After when full), and at most <c>Judge:MaxQueuePerKey</c> of
/// them per API key (429 + Retry-After), so one noisy client cannot starve the others. Nothing waits in a queue:
/// a refused request is told at once when to retry.
/// </summary>
public static class RateLimitingExtensions
{
    public static IServiceCollection AddJudgeRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<JudgeOptions>, IOptions<AuthOptions>, JudgeMetrics>((limiter, judge, auth, metrics) =>
        {
            var maxQueue = judge.Value.MaxQueue;
            var perKey = auth.Value.Enabled ? Math.Min(judge.Value.MaxQueuePerKey, maxQueue) : (int?)null;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => IsJudged(context)
                ? RateLimitPartition.GetConcurrencyLimiter("judge", _ => new ConcurrencyLimiterOptions { PermitLimit = maxQueue, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = (rejected, _) => RejectAsync(rejected.HttpContext, metrics, StatusCodes.Status503ServiceUnavailable,
                "The judge is busy.", $"The judge has {maxQueue} requests in progress (Judge:MaxQueue); retry after {Admission.RetryAfter.TotalSeconds:0} s.");
            limiter.AddPolicy(Admission.JudgePolicy, new PerKeyPolicy(perKey, metrics));
        });
        return services;
    }

    /// <summary>The limiter, then a count of admitted requests for the <c>judgeapi.queue.length</c> gauge (held until the response ends, streams included).</summary>
    public static WebApplication UseJudgeRateLimiting(this WebApplication app)
    {
        app.UseRateLimiter();
        var metrics = app.Services.GetRequiredService<JudgeMetrics>();
        app.Use(async (context, next) =>
        {
            if (!IsJudged(context))
            {
                await next(context);
                return;
            }
            metrics.QueueEntered();
            try
            {
                await next(context);
            }
            finally
            {
                metrics.QueueLeft();
            }
        });
        return app;
    }

    private static bool IsJudged(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Admission.JudgePolicy;

    private static async ValueTask RejectAsync(HttpContext context, JudgeMetrics metrics, int status, string title, string detail)
    {
        metrics.Rejected();
        context.Response.Headers.RetryAfter = ((int)Admission.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (OpenAiErrors.Applies(context))
        {
            await OpenAiErrors.WriteAsync(context, status, detail);
            return;
        }
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>One concurrency partition per API key (by its name, which is unique; a console session shares its key's); none without keys.</summary>
    private sealed class PerKeyPolicy(int? perKey, JudgeMetrics metrics) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (rejected, _) => RejectAsync(rejected.HttpContext, metrics,
            StatusCodes.Status429TooManyRequests, "Too many requests from this API key.",
            $"This API key has {perKey} requests in progress (Judge:MaxQueuePerKey); retry after {Admission.RetryAfter.TotalSeconds:0} s.");

        public RateLimitPartition<string> GetPartition(HttpContext context) => perKey is { } limit
            ? RateLimitPartition.GetConcurrencyLimiter(context.User.Identity?.Name ?? "",
                _ => new ConcurrencyLimiterOptions { PermitLimit = limit, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("");
    }
}
