using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace JudgeApi.SelfTaught;

/// <summary>The <c>Judge:SelfTaught</c> section: the instruction pool and how pairs and judgments are made.</summary>
public sealed partial class SelfTaughtOptions : IValidatableObject
{
    public const string Section = "Judge:SelfTaught";

    /// <summary>Used when <see cref="Categories"/> is not configured.</summary>
    public static IReadOnlyList<string> DefaultCategories { get; } = ["coding", "math", "reasoning", "writing", "knowledge", "brainstorming", "other"];

    /// <summary>
    /// Categories instructions are classified into; lowercase names of letters, digits, '-' and '_'. Unset by default
    /// so that configured names replace the defaults (the configuration binder appends to a list that has items).
    /// </summary>
    public List<string>? Categories { get; set; }

    /// <summary>The configured <see cref="Categories"/>, or <see cref="DefaultCategories"/> when none are.</summary>
    public IReadOnlyList<string> CategoryNames => Categories is { Count: > 0 } ? Categories : DefaultCategories;

    /// <summary>Longest instruction accepted into the pool, in characters.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int MaxInstructionLength { get; set; } = 8000;

    /// <summary>Token budget of each synthesised response and modified instruction.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int MaxResponseTokens { get; set; } = 512;

    /// <summary>Reasoning token budget of each sampled judgment.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int MaxJudgeReasoningTokens { get; set; } = 512;

    /// <summary>
    /// The annotation prompt offers a tie (<c>[[C]]</c>); a tie is never a correct judgment of a synthetic pair (y_w is
    /// better by construction), so it is never kept. The dataset then teaches the prompt with the tie option.
    /// </summary>
    public bool AllowTie { get; set; }

    /// <summary>Sampling temperature of pair synthesis (responses and modified instructions).</summary>
    [Range(0f, float.MaxValue, ErrorMessage = "must not be negative")]
    public float SynthesisTemperature { get; set; } = 0.7f;

    /// <summary>
    /// How many times x' is asked for when the model writes the instruction itself back (each attempt with its own
    /// derived seed, so a resumed iteration asks the same); a pair whose every attempt is a copy is discarded.
    /// </summary>
    [Range(1, 16, ErrorMessage = "must be 1-16")]
    public int ModifyAttempts { get; set; } = 3;

    /// <summary>
    /// Items (classifications, pairs) worked on at once. Each is still recorded on its own as it finishes; more in
    /// flight lets the engine batch their sequences together. Evaluation items take at least <c>Judge:Sequences</c> / 2.
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int ItemParallelism { get; set; } = 4;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CategoryNames.FirstOrDefault(c => !CategoryName().IsMatch(c)) is { } bad)
            yield return new ValidationResult($"names '{bad}'; each category is lowercase letters, digits, '-' or '_'", [nameof(Categories)]);
    }

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex CategoryName();
}
