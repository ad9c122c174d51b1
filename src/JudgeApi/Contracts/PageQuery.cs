using FluentValidation;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Mvc;

namespace JudgeApi.Contracts;

/// <summary>The query of a paged list: <c>?page=1&amp;pageSize=25</c>.</summary>
/// <param name="Page">The page, from 1 (default 1).</param>
/// <param name="PageSize">Items per page, 1..100 (default 25).</param>
public sealed record PageQuery([FromQuery(Name = "page")] int? Page, [FromQuery(Name = "pageSize")] int? PageSize)
{
    public const int MaxPageSize = 100;

    public int PageOrDefault => Page ?? 1;

    public int SizeOrDefault => PageSize ?? 25;
}

/// <summary>The query of <c>GET /iterations/{id}/pairs</c>: paging and filters.</summary>
/// <param name="Category">Only pairs whose instruction is in this category.</param>
/// <param name="State">Only pairs in this state: kept, discarded (or selected, synthesized, annotated while the iteration runs).</param>
/// <param name="Reason">Only pairs discarded for this reason: empty_output, same_instruction, identical_responses, no_correct_judgment, label_balance.</param>
public sealed record PairQuery(
    [FromQuery(Name = "page")] int? Page,
    [FromQuery(Name = "pageSize")] int? PageSize,
    [FromQuery(Name = "category")] string? Category,
    [FromQuery(Name = "state")] string? State,
    [FromQuery(Name = "reason")] string? Reason)
{
    public static readonly string[] States = [PairState.Selected, PairState.Synthesized, PairState.Annotated, PairState.Kept, PairState.Discarded];

    public static readonly string[] Reasons =
        [DiscardReason.EmptyOutput, DiscardReason.SameInstruction, DiscardReason.IdenticalResponses, DiscardReason.NoCorrectJudgment, DiscardReason.LabelBalance];

    public PageQuery Paging => new(Page, PageSize);

    public PairFilter Filter => new(Empty(Category) ? null : IterationRequest.NormalizeCategory(Category!), Empty(State) ? null : State, Empty(Reason) ? null : Reason);

    private static bool Empty(string? value) => string.IsNullOrWhiteSpace(value);
}

/// <summary>The query of <c>GET /iterations/{id}/discards</c>: the discarded pairs, by reason and category.</summary>
public sealed record DiscardQuery(
    [FromQuery(Name = "page")] int? Page,
    [FromQuery(Name = "pageSize")] int? PageSize,
    [FromQuery(Name = "category")] string? Category,
    [FromQuery(Name = "reason")] string? Reason)
{
    public PairQuery Pairs => new(Page, PageSize, Category, PairState.Discarded, Reason);
}

/// <summary>The query of <c>GET /iterations/{id}/judgments</c>.</summary>
/// <param name="Correct">true: only judgments that picked y_w; false: only wrong ones.</param>
public sealed record JudgmentQuery([FromQuery(Name = "page")] int? Page, [FromQuery(Name = "pageSize")] int? PageSize, [FromQuery(Name = "correct")] bool? Correct)
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

    public static void AddPairFilterRules<T>(this AbstractValidator<T> validator, Func<T, string?> category, Func<T, string?> reason)
    {
        validator.RuleFor(q => reason(q)).Must(r => string.IsNullOrWhiteSpace(r) || PairQuery.Reasons.Contains(r))
            .WithMessage($"'reason' must be one of {string.Join(", ", PairQuery.Reasons)}.").WithName("reason");
        validator.RuleFor(q => category(q)).MaximumLength(100).WithName("category");
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
            .WithMessage($"'state' must be one of {string.Join(", ", PairQuery.States)}.").OverridePropertyName("state");
        this.AddPairFilterRules(q => q.Category, q => q.Reason);
    }
}

public sealed class DiscardQueryValidator : AbstractValidator<DiscardQuery>
{
    public DiscardQueryValidator()
    {
        this.AddPagingRules(q => q.Page, q => q.PageSize);
        this.AddPairFilterRules(q => q.Category, q => q.Reason);
    }
}

public sealed class JudgmentQueryValidator : AbstractValidator<JudgmentQuery>
{
    public JudgmentQueryValidator() => this.AddPagingRules(q => q.Page, q => q.PageSize);
}
