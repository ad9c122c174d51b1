using System.ComponentModel.DataAnnotations;

namespace JudgeApi.SelfTaught;

/// <summary>The <c>Judge:Promotion</c> section: when a candidate goes live.</summary>
public sealed class PromotionOptions
{
    public const string Section = "Judge:Promotion";

    /// <summary>A candidate goes live only if its held-out accuracy is at least the serving one's plus this.</summary>
    [Range(double.MinValue, double.MaxValue, ErrorMessage = "must be a finite number")]
    public double Margin { get; set; }
}
