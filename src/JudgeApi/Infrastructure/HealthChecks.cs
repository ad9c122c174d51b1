using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JudgeApi.Infrastructure;

/// <summary>Ready once the judge model is loaded; says why when loading failed.</summary>
internal sealed class JudgeReadyHealthCheck(IJudgeEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            engine.IsReady ? HealthCheckResult.Healthy("The judge model is loaded.")
            : engine.LoadFailure is { } failure ? HealthCheckResult.Unhealthy("The judge model failed to load: " + failure)
            : HealthCheckResult.Unhealthy("The judge model is loading."));
}

/// <summary>The iteration store answers: its SQLite file opens and reads its schema version.</summary>
internal sealed class SqliteHealthCheck(SelfTaughtDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{database.Path} is at schema version {database.SchemaVersion()}."));
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{database.Path} cannot be read: {e.Message}", e));
        }
    }
}
