namespace JudgeApi.Judging;

/// <summary>A validated judge request with every default applied; the cache key is built from it.</summary>
public sealed record JudgeParameters(
    string Instruction,
    string ResponseA,
    string ResponseB,
    string? Criteria,
    JudgeMode Mode,
    int Samples,
    bool Swap,
    int MaxReasoningTokens,
    float Temperature,
    int Seed);

/// <summary>The wire names of <see cref="JudgeMode"/>.</summary>
public static class JudgeModes
{
    public const string Reasoning = "reasoning";
    public const string Direct = "direct";

    public static bool IsValid(string? mode) => mode is null || Parse(mode, out _);

    public static JudgeMode Parse(string? mode) =>
        mode is null ? JudgeMode.Reasoning : Parse(mode, out var parsed) ? parsed : throw new ArgumentException($"Unknown mode '{mode}'.", nameof(mode));

    public static string Name(JudgeMode mode) => mode == JudgeMode.Direct ? Direct : Reasoning;

    private static bool Parse(string mode, out JudgeMode parsed)
    {
        parsed = mode.Equals(Direct, StringComparison.OrdinalIgnoreCase) ? JudgeMode.Direct : JudgeMode.Reasoning;
        return mode.Equals(Direct, StringComparison.OrdinalIgnoreCase) || mode.Equals(Reasoning, StringComparison.OrdinalIgnoreCase);
    }
}
