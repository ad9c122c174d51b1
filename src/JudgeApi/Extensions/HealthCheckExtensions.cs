using System.Text.Json;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JudgeApi.Extensions;

/// <summary>
/// <c>GET /health/live</c> (the process answers; no checks) and <c>GET /health/ready</c> (the model is loaded and the
/// state store, SQLite or PostgreSQL, reads; Redis, when configured, only degrades readiness, since requests never need it), through
/// ASP.NET Core's health checks. No key needed.
/// </summary>
public static class HealthCheckExtensions
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddJudgeHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<JudgeReadyHealthCheck>("judge-model", tags: [ReadyTag])
            .AddCheck<StateStoreHealthCheck>("state-store", tags: [ReadyTag]);
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
            checks.AddRedis(redis, "redis", HealthStatus.Degraded, [ReadyTag], TimeSpan.FromSeconds(2));
        return services;
    }

    public static WebApplication MapJudgeHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var description = report.Entries.Count == 0 ? "The process is running." : string.Join(" ", report.Entries.Values.Select(e => e.Description));
        var checks = report.Entries.ToDictionary(e => e.Key, e => new HealthCheckEntry(e.Value.Status.ToString(), e.Value.Description));
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new HealthResponse(report.Status.ToString(), description, checks),
            JsonSerializerOptions.Web, context.RequestAborted);
    }
}
