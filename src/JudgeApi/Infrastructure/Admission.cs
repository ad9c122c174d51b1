namespace JudgeApi.Infrastructure;

/// <summary>The rate-limiter policy the judge's routes require (see Extensions/RateLimitingExtensions), and what a refused caller is told.</summary>
public static class Admission
{
    public const string JudgePolicy = "judge";
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
}
