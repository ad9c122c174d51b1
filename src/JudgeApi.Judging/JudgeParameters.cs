using System.Text.Json.Serialization;

namespace JudgeApi.Judging;

/// <summary>
/// A validated judge request with every default applied; the cache key is built from it. The multi-turn and tie
/// fields are left out of the key's JSON when unused, so a single-turn request without ties keeps the key it always had.
/// </summary>
/// <param name="Instruction">The judged user turn (in a conversation, its last user turn).</param>
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
    int Seed)
{
    /// <summary>The turns before the judged one (AnswerA: response A's side); null for a single-turn judgment.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EarlierTurn>? EarlierTurns { get; init; }

    /// <summary>The prompt offers a tie (<c>[[C]]</c>) and the answer may be "tie".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool AllowTie { get; init; }

    [JsonIgnore]
    public bool IsMultiTurn => EarlierTurns is { Count: > 0 };

    /// <summary>The version of the prompt this request is judged with.</summary>
    [JsonIgnore]
    public string PromptVersion => JudgePrompt.VersionOf(IsMultiTurn, AllowTie);

    /// <summary>The judge behaviour that answers this request on a model of <paramref name="modelBehavior"/> (<see cref="JudgeBehavior.VersionFor"/>).</summary>
    public string BehaviorVersion(string modelBehavior) => JudgeBehavior.VersionFor(modelBehavior, IsMultiTurn, AllowTie);
}

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
