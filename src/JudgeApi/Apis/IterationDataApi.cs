using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JudgeApi.Apis;

/// <summary>An iteration's data for people: its pairs, their judgments, the discards and the training loss per step (paged, filtered).</summary>
public static class IterationDataApi
{
    public static RouteGroupBuilder MapIterationDataApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/iterations/{id}").WithTags("Iterations").RequireAuthorization(AuthRoles.OperatorPolicy)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/pairs", Pairs).AddEndpointFilter<ValidationFilter<PairQuery>>().ProducesValidationProblem()
            .WithSummary("The iteration's pairs (x, x', y_w, y_l, outcome) in selection order; filter by category, state (kept, discarded, …) and discard reason.");
        group.MapGet("/pairs/{pairId:long}", Pair)
            .WithSummary("One pair with each of its judgments: reasoning, verdict, P(A), and which one was kept or why not.");
        group.MapGet("/judgments", Judgments).AddEndpointFilter<ValidationFilter<JudgmentQuery>>().ProducesValidationProblem()
            .WithSummary("Every judgment of the iteration in pair order; filter by correct (picked y_w) or not.");
        group.MapGet("/discards", Discards).AddEndpointFilter<ValidationFilter<DiscardQuery>>().ProducesValidationProblem()
            .WithSummary("The discarded pairs, each with its reason; filter by reason and category.");
        group.MapGet("/training", Training)
            .WithSummary("The training loss (nats per target token), learning rate and tokens/s of every optimizer step.");
        return group;
    }

    private static Results<Ok<PagedList<PairSummary>>, ProblemHttpResult> Pairs(string id, [AsParameters] PairQuery query, IterationStore store, PairBrowser browser) =>
        store.Find(id) is null ? NotFound(id) : TypedResults.Ok(browser.Pairs(id, query.Filter, query.Paging.PageOrDefault, query.Paging.SizeOrDefault));

    private static Results<Ok<PagedList<PairSummary>>, ProblemHttpResult> Discards(string id, [AsParameters] DiscardQuery query, IterationStore store,
        PairBrowser browser) => Pairs(id, query.Pairs, store, browser);

    private static Results<Ok<PairDetail>, ProblemHttpResult> Pair(string id, long pairId, PairBrowser browser) =>
        browser.Pair(id, pairId) is { } pair ? TypedResults.Ok(pair)
        : TypedResults.Problem($"Iteration {id} has no pair {pairId}.", statusCode: StatusCodes.Status404NotFound);

    private static Results<Ok<PagedList<PairJudgment>>, ProblemHttpResult> Judgments(string id, [AsParameters] JudgmentQuery query, IterationStore store,
        PairBrowser browser) =>
        store.Find(id) is null ? NotFound(id) : TypedResults.Ok(browser.Judgments(id, query.Correct, query.Paging.PageOrDefault, query.Paging.SizeOrDefault));

    private static Results<Ok<IReadOnlyList<TrainingStep>>, ProblemHttpResult> Training(string id, IterationStore store, TrainingHistory history) =>
        store.Find(id) is null ? NotFound(id) : TypedResults.Ok(history.Steps(id));

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem($"No iteration {id}.", statusCode: StatusCodes.Status404NotFound);
}
