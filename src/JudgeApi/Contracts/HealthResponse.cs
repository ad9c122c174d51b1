namespace JudgeApi.Contracts;

/// <summary>GET /health/live and /health/ready answer.</summary>
/// <param name="Status">Healthy, Degraded (Redis is down: requests go on without the cache) or Unhealthy (503).</param>
/// <param name="Checks">Each check by name (judge-model, state-store, redis); empty for liveness.</param>
public sealed record HealthResponse(string Status, string Description, IReadOnlyDictionary<string, HealthCheckEntry> Checks);

public sealed record HealthCheckEntry(string Status, string? Description);
