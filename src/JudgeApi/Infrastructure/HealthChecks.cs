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

/// <summary>
/// The state store answers: the SQLite file, or PostgreSQL, opens and reads its schema version within a bound, so a
/// replica that cannot reach PostgreSQL leaves the load balancer's pool (judgments need no database, but iterations,
/// adapters and the console do).
/// </summary>
internal sealed class StateStoreHealthCheck(SelfTaughtDatabase database) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await Task.Run(database.SchemaVersion, cancellationToken).WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy($"{database.Path} is at schema version {version}.");
        }
        catch (Exception e) when (e is TimeoutException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException
                                   || SelfTaughtDatabase.IsUnavailable(e))
        {
            return HealthCheckResult.Unhealthy($"The state store ({database.Path}) cannot be reached: {e.Message}", e);
        }
    }
}
