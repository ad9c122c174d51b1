using FluentValidation;

namespace JudgeApi.Contracts;

/// <summary>Checks the batch as a whole; each item is validated on its own so that one bad item fails alone.</summary>
public sealed class JudgeBatchRequestValidator : AbstractValidator<JudgeBatchRequest>
{
    public const int MaxItems = 256;

    public JudgeBatchRequestValidator()
    {
        RuleFor(r => r.Items).NotEmpty();
        RuleFor(r => r.Items!.Count).LessThanOrEqualTo(MaxItems).OverridePropertyName("items").When(r => r.Items is not null);
    }
}
