using FluentValidation;

namespace JudgeApi.Contracts;

public sealed class JudgeRequestValidator : AbstractValidator<JudgeRequest>
{
    public const int MaxSamples = 32;
    public const int MaxReasoningTokensLimit = 4096;

    public JudgeRequestValidator()
    {
        RuleFor(r => r.Instruction).NotEmpty().MustBeTextForTheModel();
        RuleFor(r => r.ResponseA).NotEmpty().MustBeTextForTheModel();
        RuleFor(r => r.ResponseB).NotEmpty().MustBeTextForTheModel();
        RuleFor(r => r.Criteria).MustBeTextForTheModel();
        RuleFor(r => r.Mode).Must(JudgeModes.IsValid)
            .WithMessage($"'{{PropertyName}}' must be '{JudgeModes.Reasoning}' or '{JudgeModes.Direct}'.");
        RuleFor(r => r.Samples).InclusiveBetween(1, MaxSamples);
        RuleFor(r => r.MaxReasoningTokens).InclusiveBetween(1, MaxReasoningTokensLimit);
        RuleFor(r => r.Temperature).InclusiveBetween(0, 2);
    }
}

internal static class TextRules
{
    /// <summary>
    /// Text reaches the tokenizer as NUL-terminated UTF-8: a NUL would silently cut it, and an unpaired surrogate
    /// (possible through a JSON \u escape) has no UTF-8 form.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> MustBeTextForTheModel<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => text is null || (!text.Contains('\0') && IsWellFormedUtf16(text)))
            .WithMessage("'{PropertyName}' must be valid Unicode text without NUL characters.");

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return false;
        }
        return true;
    }
}
