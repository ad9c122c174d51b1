using JudgeApi.Judging;
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
