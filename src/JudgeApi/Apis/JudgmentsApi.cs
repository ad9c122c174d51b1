using FluentValidation;
using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using JudgeApi.Judging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JudgeApi.Apis;

/// <summary>POST /judge and POST /judge/batch.</summary>
public static class JudgmentsApi
{
    public static RouteGroupBuilder MapJudgmentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/judge").WithTags("Judge").RequireAuthorization(AuthRoles.JudgePolicy)
            .RequireRateLimiting(Admission.JudgePolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("", JudgeAsync)
            .WithName("Judge")
            .WithSummary("Judge which of two responses better follows an instruction.")
            .WithDescription("Reasoning mode writes the judge's reasoning, then reads the verdict; direct mode reads it from one forward pass. " +
                             "With swap (default) both orders are judged and averaged. Same inputs, seed and model give the same answer (cached).")
            .AddEndpointFilter<ValidationFilter<JudgeRequest>>()
            .ProducesValidationProblem();

        group.MapPost("/batch", JudgeBatchAsync)
            .WithName("JudgeBatch")
            .WithSummary($"Judge up to {JudgeBatchRequestValidator.MaxItems} requests; results in order, a bad item gets its own error.")
            .AddEndpointFilter<ValidationFilter<JudgeBatchRequest>>()
            .ProducesValidationProblem();

        return group;
    }

    private static async Task<Ok<JudgeResponse>> JudgeAsync(JudgeRequest request, JudgeService judge, HttpContext http, CancellationToken cancellationToken)
    {
        var response = await judge.JudgeAsync(request.ToParameters(), request.UseCache ?? true, cancellationToken);
        http.Response.Headers["X-Judgment-Id"] = response.Id;
        return TypedResults.Ok(response);
    }

    private static async Task<Ok<JudgeBatchResponse>> JudgeBatchAsync(JudgeBatchRequest request, JudgeService judge,
        IValidator<JudgeRequest> validator, IOptions<JudgeOptions> options, CancellationToken cancellationToken)
    {
        var items = request.Items!;
        var results = new JudgeBatchItem[items.Count];
        await Parallel.ForAsync(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Value.BatchParallelism, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await JudgeItemAsync(i, items[i], judge, validator, token));
        return TypedResults.Ok(new JudgeBatchResponse(results));
    }

    private static async Task<JudgeBatchItem> JudgeItemAsync(int index, JudgeRequest? item, JudgeService judge, IValidator<JudgeRequest> validator, CancellationToken cancellationToken)
    {
        if (item is null)
            return new JudgeBatchItem(index, StatusCodes.Status400BadRequest, null, new JudgeBatchError("The item must be a judge request object.", null, null));
        if (item.ReadErrors is { } readErrors)
            return new JudgeBatchItem(index, StatusCodes.Status400BadRequest, null, new JudgeBatchError("The request is not valid.", null, readErrors));
        var validation = await validator.ValidateAsync(item, cancellationToken);
        if (!validation.IsValid)
            return new JudgeBatchItem(index, StatusCodes.Status400BadRequest, null, new JudgeBatchError("The request is not valid.", null, validation.ToDictionary()));
        try
        {
            return new JudgeBatchItem(index, StatusCodes.Status200OK, await judge.JudgeAsync(item.ToParameters(), item.UseCache ?? true, cancellationToken), null);
        }
        catch (Exception ex) when (ProblemMapping.For(ex) is { } problem)
        {
            return new JudgeBatchItem(index, problem.Status, null, new JudgeBatchError(problem.Title, problem.Detail, null));
        }
    }
}
