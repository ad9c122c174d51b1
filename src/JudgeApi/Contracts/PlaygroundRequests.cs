using FluentValidation;
using JudgeApi.SelfTaught;

namespace JudgeApi.Contracts;

/// <summary>Body of <c>POST /playground/judge</c>: one judge request, judged once per named set of weights.</summary>
/// <param name="Judgment">The instruction, both responses and the judge settings, as for POST /judge (useCache defaults to false here).</param>
/// <param name="Weights">1 to 4 of "base", "active" or an adapter id, e.g. ["base", "iteration-3"].</param>
public sealed record PlaygroundRequest(JudgeRequest? Judgment, List<string>? Weights);

/// <summary>One side of a playground judgment: the weights' name and the judge's answer.</summary>
public sealed record PlaygroundResult(string Weights, Judging.JudgeResponse Response);

public sealed record PlaygroundResponse(IReadOnlyList<PlaygroundResult> Results);

/// <summary>Body of <c>POST /playground/cases</c>: a manual case to keep.</summary>
/// <param name="Expected">"A" or "B" when the better response is known; omitted: the case only tracks change between weights.</param>
public sealed record ManualCaseRequest(string? Name, string? Instruction, string? ResponseA, string? ResponseB, string? Criteria, string? Expected)
{
    public NewManualCase ToNewCase() =>
        new(Name!.Trim(), Instruction!, ResponseA!, ResponseB!, string.IsNullOrWhiteSpace(Criteria) ? null : Criteria, string.IsNullOrEmpty(Expected) ? null : Expected);
}

/// <summary>Body of <c>POST /playground/cases/run</c>: re-run saved cases against one set of weights.</summary>
/// <param name="Weights">"base", "active" or an adapter id.</param>
/// <param name="CaseIds">The cases to run (default: all of them).</param>
/// <param name="Mode">"reasoning" or "direct" (default "direct": quick).</param>
/// <param name="MaxReasoningTokens">1..4096 (default 256).</param>
public sealed record CaseRunRequest(string? Weights, List<long>? CaseIds, string? Mode, int? MaxReasoningTokens);

public sealed record CaseRunResponse(string Weights, IReadOnlyList<ManualCaseRun> Runs);

public sealed class PlaygroundRequestValidator : AbstractValidator<PlaygroundRequest>
{
    public const int MaxWeights = 4;

    public PlaygroundRequestValidator(IValidator<JudgeRequest> judgment, PlaygroundJudge playground)
    {
        RuleFor(r => r.Judgment).NotNull().SetValidator(judgment!).OverridePropertyName("judgment");
        RuleFor(r => r.Weights).Cascade(CascadeMode.Stop).NotEmpty().Must(w => w!.Count <= MaxWeights).WithMessage($"'weights' may name at most {MaxWeights} sets of weights.")
            .OverridePropertyName("weights");
        RuleForEach(r => r.Weights).Must(name => name is not null && playground.Resolve(name) is not null)
            .WithMessage("names no stored adapter; use \"base\", \"active\" (while an adapter serves) or an id from GET /adapters")
            .OverridePropertyName("weights");
    }
}

public sealed class ManualCaseRequestValidator : AbstractValidator<ManualCaseRequest>
{
    public ManualCaseRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200).MustBeTextForTheModel();
        RuleFor(r => r.Instruction).NotEmpty().MustBeTextForTheModel();
        RuleFor(r => r.ResponseA).NotEmpty().MustBeTextForTheModel();
        RuleFor(r => r.ResponseB).NotEmpty().MustBeTextForTheModel();
        RuleFor(r => r.Criteria).MustBeTextForTheModel();
        RuleFor(r => r.Expected).Must(e => string.IsNullOrEmpty(e) || e is "A" or "B").WithMessage("'expected' must be \"A\", \"B\" or omitted.");
    }
}

public sealed class CaseRunRequestValidator : AbstractValidator<CaseRunRequest>
{
    public CaseRunRequestValidator(PlaygroundJudge playground)
    {
        RuleFor(r => r.Weights).NotEmpty();
        RuleFor(r => r.Weights).Must(name => playground.Resolve(name!) is not null).When(r => !string.IsNullOrEmpty(r.Weights))
            .WithMessage("names no stored adapter; use \"base\", \"active\" (while an adapter serves) or an id from GET /adapters");
        RuleFor(r => r.Mode).Must(Judging.JudgeModes.IsValid).WithMessage("'mode' must be 'reasoning' or 'direct'.");
        RuleFor(r => r.MaxReasoningTokens).InclusiveBetween(1, JudgeRequestValidator.MaxReasoningTokensLimit);
    }
}
