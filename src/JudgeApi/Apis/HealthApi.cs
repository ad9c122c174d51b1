using JudgeApi.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JudgeApi.Apis;

/// <summary>GET /health/live (the process answers) and GET /health/ready (the model is loaded); no key needed.</summary>
public static class HealthApi
{
    public const string ReadyTag = "ready";

    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", () => TypedResults.Ok(new HealthResponse("Healthy", "The process is running.")))
            .WithName("Live").WithSummary("Liveness: the process answers.");
        group.MapGet("/ready", ReadyAsync)
            .WithName("Ready").WithSummary("Readiness: 200 once the judge model is loaded and the state store answers, 503 otherwise.");
        return group;
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> ReadyAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), cancellationToken);
        var body = new HealthResponse(report.Status.ToString(), string.Join(" ", report.Entries.Values.Select(e => e.Description)));
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(body)
            : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
