using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JudgeApi.Apis;

/// <summary>
/// Manual testing (operator key or console session): one case judged by chosen weights side by side, and the saved
/// cases an operator re-runs against any adapter, each result kept.
/// </summary>
public static class PlaygroundApi
{
    public static RouteGroupBuilder MapPlaygroundApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/playground").WithTags("Playground").RequireAuthorization(AuthRoles.OperatorPolicy)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/judge", JudgeAsync).AddEndpointFilter<ValidationFilter<PlaygroundRequest>>().ProducesValidationProblem()
            .WithSummary("Judge one instruction and two responses with each of 1-4 named weights (\"base\", \"active\", an adapter id), side by side.");
        group.MapGet("/cases", (ManualCaseStore cases) => TypedResults.Ok(cases.List()))
            .WithSummary("The saved manual cases, each with its newest result per weights.");
        group.MapPost("/cases", CreateCase).AddEndpointFilter<ValidationFilter<ManualCaseRequest>>().ProducesValidationProblem()
            .WithSummary("Save a manual case (instruction, two responses, optionally the better one) to re-run against any adapter.");
        group.MapDelete("/cases/{caseId:long}", Results<NoContent, ProblemHttpResult> (long caseId, ManualCaseStore cases) =>
            cases.Delete(caseId) ? TypedResults.NoContent() : CaseNotFound(caseId)).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete a saved case and its results.");
        group.MapGet("/cases/{caseId:long}/runs", Results<Ok<IReadOnlyList<ManualCaseRun>>, ProblemHttpResult> (long caseId, ManualCaseStore cases) =>
            cases.Find(caseId) is null ? CaseNotFound(caseId) : TypedResults.Ok(cases.Runs(caseId))).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Every result of one case, newest first.");
        group.MapPost("/cases/run", RunCasesAsync).AddEndpointFilter<ValidationFilter<CaseRunRequest>>().ProducesValidationProblem()
            .WithSummary("Re-run saved cases (all, or caseIds) against one set of weights; every result is kept.");
        return group;
    }

    private static async Task<Ok<PlaygroundResponse>> JudgeAsync(PlaygroundRequest request, PlaygroundJudge playground, CancellationToken cancellationToken)
    {
        var weights = request.Weights!.Select(name => playground.Resolve(name)!).ToList();
        var responses = await playground.JudgeAsync(request.Judgment!.ToParameters(), weights, request.Judgment.UseCache ?? false, cancellationToken);
        return TypedResults.Ok(new PlaygroundResponse(weights.Zip(responses, (w, r) => new PlaygroundResult(w.Name, r)).ToList()));
    }

    private static Created<ManualCase> CreateCase(ManualCaseRequest request, ManualCaseStore cases, HttpContext http)
    {
        var created = cases.Create(request.ToNewCase(), http.User.Identity?.Name ?? "unknown");
        return TypedResults.Created($"/playground/cases/{created.Id}", created);
    }

    private static async Task<Results<Ok<CaseRunResponse>, ValidationProblem, ProblemHttpResult>> RunCasesAsync(CaseRunRequest request, PlaygroundJudge playground, ManualCaseStore cases,
        HttpContext http, CancellationToken cancellationToken)
    {
        var all = cases.List();
        var selected = request.CaseIds is { Count: > 0 } ids ? all.Where(c => ids.Contains(c.Id)).ToList() : all.ToList();
        var unknown = (request.CaseIds ?? []).Select((id, i) => (id, i)).Where(e => all.All(c => c.Id != e.id)).ToList();
        if (unknown.Count > 0)
            return TypedResults.ValidationProblem(unknown.ToDictionary(e => $"caseIds[{e.i}]", e => new[] { $"No saved case {e.id} (GET /playground/cases lists them)." }),
                title: "The request is not valid.");
        if (selected.Count == 0)
            return TypedResults.Problem("There are no saved cases to run: save one from the playground (POST /playground/cases) first.",
                statusCode: StatusCodes.Status409Conflict, title: "No cases");
        var weights = playground.Resolve(request.Weights!)!;
        var runs = await playground.RunCasesAsync(selected, weights, JudgeModes.Parse(request.Mode ?? JudgeModes.Direct), request.MaxReasoningTokens ?? 256,
            http.User.Identity?.Name ?? "unknown", cancellationToken);
        return TypedResults.Ok(new CaseRunResponse(weights.Name, runs));
    }

    private static ProblemHttpResult CaseNotFound(long id) => TypedResults.Problem($"No saved case {id}.", statusCode: StatusCodes.Status404NotFound);
}
