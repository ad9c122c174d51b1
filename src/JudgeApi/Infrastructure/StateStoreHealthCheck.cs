using JudgeApi.SelfTaught;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JudgeApi.Infrastructure;

/// <summary>
/// Ready only while the state store answers: a replica that cannot reach PostgreSQL leaves the load balancer's pool
/// (judgments themselves need no database, but iterations, adapters and the console do).
/// </summary>
internal sealed class StateStoreHealthCheck(SelfTaughtDatabase database) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await Task.Run(database.Ping, cancellationToken).WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy("The state store answers.");
        }
        catch (Exception e) when (e is TimeoutException || SelfTaughtDatabase.IsUnavailable(e))
        {
            return HealthCheckResult.Unhealthy($"The state store ({database.Path}) cannot be reached: {e.Message}");
        }
    }
}
