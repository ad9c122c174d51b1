using System.ComponentModel.DataAnnotations;
using JudgeApi.Judging;

namespace JudgeApi.SelfTaught;

/// <summary>The <c>Judge:Evaluation</c> section: how candidates are scored.</summary>
public sealed class EvaluationOptions
{
    public const string Section = "Judge:Evaluation";

    /// <summary>Size of the fixed synthetic held-out set, built once from pool instructions no iteration has used (at most half of them).</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative")]
    public int HeldOutPairs { get; set; } = 100;

    /// <summary>"reasoning" (judge writes its reasoning first) or "direct" (verdict only; much faster).</summary>
    [AllowedValues(JudgeModes.Reasoning, JudgeModes.Direct, ErrorMessage = "must be reasoning or direct")]
    public string Mode { get; set; } = JudgeModes.Reasoning;

    /// <summary>Reasoning token budget of each evaluation judgment.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int MaxReasoningTokens { get; set; } = 256;

    /// <summary>
    /// Optional labeled set every candidate is also scored on: JSONL in RewardBench's shape (prompt, chosen, rejected,
    /// subset?), with conversations, or MT-Bench human judgments (<see cref="LabeledSetFile"/>).
    /// </summary>
    public string? LabeledSetPath { get; set; }

    /// <summary>The evaluation prompt offers a tie (<c>[[C]]</c>), as MT-Bench's does; for labeled sets with ties.</summary>
    public bool AllowTie { get; set; }

    /// <summary>Score at most this many pairs of the labeled set (0: all).</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative")]
    public int MaxLabeledPairs { get; set; }
}
