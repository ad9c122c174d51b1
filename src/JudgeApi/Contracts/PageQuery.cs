using FluentValidation;
using JudgeApi.SelfTaught;

namespace JudgeApi.Contracts;

/// <summary>The query of a paged list: <c>?page=1&amp;pageSize=25</c>.</summary>
/// <param name="Page">The page, from 1 (default 1).</param>
/// <param name="PageSize">Items per page, 1..100 (default 25).</param>
public sealed record PageQuery(int? Page, int? PageSize)
{
    public const int MaxPageSize = 100;

    public int PageOrDefault => Page ?? 1;

    public int SizeOrDefault => PageSize ?? 25;
}

/// <summary>The query of <c>GET /iterations/{id}/pairs</c> and <c>/discards</c>: paging and filters.</summary>
/// <param name="Category">Only pairs whose instruction is in this category.</param>
/// <param name="State">Only pairs in this state: kept, discarded (or selected, synthesized, annotated while the iteration runs).</param>
/// <param name="Reason">Only pairs discarded for this reason: empty_output, same_instruction, identical_responses, no_correct_judgment, label_balance.</param>
public sealed record PairQuery(int? Page, int? PageSize, string? Category, string? State, string? Reason)
{
    public static readonly string[] States = [PairState.Selected, PairState.Synthesized, PairState.Annotated, PairState.Kept, PairState.Discarded];

    public static readonly string[] Reasons =
        [DiscardReason.EmptyOutput, DiscardReason.SameInstruction, DiscardReason.IdenticalResponses, DiscardReason.NoCorrectJudgment, DiscardReason.LabelBalance];

    public PageQuery Paging => new(Page, PageSize);

    public PairFilter Filter => new(Empty(Category) ? null : IterationRequest.NormalizeCategory(Category!), Empty(State) ? null : State, Empty(Reason) ? null : Reason);

    private static bool Empty(string? value) => string.IsNullOrWhiteSpace(value);
}

/// <summary>The query of <c>GET /iterations/{id}/judgments</c>.</summary>
/// <param name="Correct">true: only judgments that picked y_w; false: only wrong ones.</param>
public sealed record JudgmentQuery(int? Page, int? PageSize, bool? Correct)
{
    public PageQuery Paging => new(Page, PageSize);
}

internal static class PagingRules
{
    public static void AddPagingRules<T>(this AbstractValidator<T> validator, Func<T, int?> page, Func<T, int?> pageSize)
    {
        validator.RuleFor(q => page(q)).GreaterThanOrEqualTo(1).WithName("page");
        validator.RuleFor(q => pageSize(q)).InclusiveBetween(1, PageQuery.MaxPageSize).WithName("pageSize");
    }
}

public sealed class PageQueryValidator : AbstractValidator<PageQuery>
{
    public PageQueryValidator() => this.AddPagingRules(q => q.Page, q => q.PageSize);
}

public sealed class PairQueryValidator : AbstractValidator<PairQuery>
{
    public PairQueryValidator()
    {
        this.AddPagingRules(q => q.Page, q => q.PageSize);
        RuleFor(q => q.State).Must(s => string.IsNullOrWhiteSpace(s) || PairQuery.States.Contains(s))
            .WithMessage($"must be one of {string.Join(", ", PairQuery.States)}").OverridePropertyName("state");
        RuleFor(q => q.Reason).Must(r => string.IsNullOrWhiteSpace(r) || PairQuery.Reasons.Contains(r))
            .WithMessage($"must be one of {string.Join(", ", PairQuery.Reasons)}").OverridePropertyName("reason");
        RuleFor(q => q.Category).MaximumLength(100).OverridePropertyName("category");
    }
}

public sealed class JudgmentQueryValidator : AbstractValidator<JudgmentQuery>
{
    public JudgmentQueryValidator() => this.AddPagingRules(q => q.Page, q => q.PageSize);
}
