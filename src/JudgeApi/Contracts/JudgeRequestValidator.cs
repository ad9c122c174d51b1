using FluentValidation;
using JudgeApi.Judging;

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
    /// <summary>The model's one text rule (<see cref="ModelText"/>), which instruction imports follow too.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> MustBeTextForTheModel<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Custom((text, context) =>
        {
            if (text is not null && ModelText.Problem(text) is { } problem)
                context.AddFailure($"'{context.DisplayName}' {problem}.");
        });
}
