using System.ComponentModel.DataAnnotations;

namespace JudgeApi.SelfTaught;

/// <summary>The <c>Judge:Promotion</c> section: when a candidate goes live.</summary>
public sealed class PromotionOptions
{
    public const string Section = "Judge:Promotion";

    /// <summary>A candidate goes live only if its held-out accuracy is at least the serving one's plus this.</summary>
    [Range(double.MinValue, double.MaxValue, ErrorMessage = "must be a finite number")]
    public double Margin { get; set; }

    /// <summary>
    /// ... and only if McNemar's exact test on the paired held-out outcomes says it is better at this level
    /// (one-sided p-value at most this). 1 turns the test off, leaving the margin alone.
    /// </summary>
    [Range(1e-9, 1.0, ErrorMessage = "must be in (0, 1]")]
    public double SignificanceLevel { get; set; } = 0.05;
}

/// <summary>How an iteration's candidate may go live (<c>"promotion"</c> of <c>POST /iterations</c>).</summary>
public static class PromotionMode
{
    /// <summary>Only when it passes the margin and the significance test (the default).</summary>
    public const string Gate = "gate";

    /// <summary>The operator's override: it goes live whatever the evaluation says; the decision records that and the test.</summary>
    public const string Always = "always";

    /// <summary>Evaluate only; what serves stays.</summary>
    public const string Never = "never";

    public static IReadOnlyList<string> All { get; } = [Gate, Always, Never];
}
