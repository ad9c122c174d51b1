using FluentValidation;
using JudgeApi.SelfTaught;
using Microsoft.Extensions.Options;

namespace JudgeApi.Contracts;

public sealed class IterationRequestValidator : AbstractValidator<IterationRequest>
{
    public const int MaxInstructions = 100_000;
    public const int MaxJudgmentsPerPair = 64;

    public IterationRequestValidator(IOptions<SelfTaughtOptions> options)
    {
        var configured = options.Value.CategoryNames;
        RuleFor(r => r.Instructions).InclusiveBetween(1, MaxInstructions).OverridePropertyName("instructions");
        RuleFor(r => r.JudgmentsPerPair).InclusiveBetween(1, MaxJudgmentsPerPair).OverridePropertyName("judgmentsPerPair");
        RuleFor(r => r.Temperature).InclusiveBetween(0f, 2f).OverridePropertyName("temperature");
        RuleFor(r => r.Data).Must(d => d is null or TrainingData.Iteration or TrainingData.Cumulative)
            .WithMessage($"must be \"{TrainingData.Iteration}\" or \"{TrainingData.Cumulative}\"").OverridePropertyName("data");
        RuleFor(r => r.MaxExamples).GreaterThanOrEqualTo(1).OverridePropertyName("maxExamples");
        RuleFor(r => r.Promotion).Must(p => p is null || PromotionMode.All.Contains(p))
            .WithMessage($"must be one of {string.Join(", ", PromotionMode.All.Select(m => $"\"{m}\""))}").OverridePropertyName("promotion");
        RuleForEach(r => r.Categories)
            .Must(c => c is not null && configured.Contains(IterationRequest.NormalizeCategory(c)))
            .WithMessage(c => $"unknown category; configured: {string.Join(", ", configured)} (Judge:SelfTaught:Categories)")
            .OverridePropertyName("categories");
    }
}
