using System.Diagnostics;

namespace JudgeApi.Judging;

/// <summary>The service's trace spans (ActivitySource "JudgeApi"): a judgment, its decode work, a chat completion, each iteration stage.</summary>
public static class JudgeTelemetry
{
    public const string SourceName = "JudgeApi";

    public static ActivitySource Source { get; } = new(SourceName);
}
