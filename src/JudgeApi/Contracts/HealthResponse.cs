namespace JudgeApi.Contracts;

/// <summary>GET /health/live and /health/ready answer.</summary>
public sealed record HealthResponse(string Status, string Description);
