using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JudgeApi.Apis;

/// <summary>Start, watch, cancel self-taught iterations and download their datasets.</summary>
public static class IterationsApi
{
    public static RouteGroupBuilder MapIterationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/iterations").WithTags("Iterations").RequireAuthorization(AuthRoles.OperatorPolicy);
        group.MapPost("/", Create).AddEndpointFilter<ValidationFilter<IterationRequest>>().ProducesValidationProblem()
            .WithSummary("Queue a self-taught iteration; 202 with Location /iterations/{id}.");
        group.MapGet("/", (IterationViews views) => TypedResults.Ok(views.List())).WithSummary("All iterations, newest first.");
        group.MapGet("/{id}", Results<Ok<IterationView>, ProblemHttpResult> (string id, IterationViews views) =>
            views.View(id) is { } view ? TypedResults.Ok(view) : NotFound(id)).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Status, stage, progress and metrics of an iteration.");
        group.MapGet("/{id}/events", Events).WithMetadata(new OpenApiConventions.Streamed("text/event-stream", typeof(IterationView))).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Server-sent events (snapshot, status, stage, progress) until the iteration finishes.");
        group.MapPost("/{id}/cancel", Cancel).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Cancel at the next item boundary; what was done stays.");
        group.MapGet("/{id}/dataset", Dataset).WithMetadata(new OpenApiConventions.Streamed("application/x-ndjson", typeof(DatasetLine)))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("The training examples as NDJSON chat messages (TRL format).");
        return group;
    }

    private static Accepted<IterationQueued> Create(IterationRequest request, IterationStore store, IterationRunner runner, IOptions<SelfTaughtOptions> options)
    {
        var iteration = store.Create(request.ToParameters(options.Value.CategoryNames));
        runner.Wake(iteration.Id);
        return TypedResults.Accepted($"/iterations/{iteration.Id}", new IterationQueued(iteration.Id, iteration.Status));
    }

    private static Results<Accepted<IterationView>, ProblemHttpResult> Cancel(string id, IterationViews views, IterationRunner runner) => runner.Cancel(id) switch
    {
        CancelOutcome.NotFound => NotFound(id),
        CancelOutcome.AlreadyFinished => TypedResults.Problem($"Iteration {id} has already finished.", statusCode: StatusCodes.Status409Conflict),
        _ => TypedResults.Accepted($"/iterations/{id}", views.View(id)!),
    };

    private static Results<PushStreamHttpResult, ProblemHttpResult> Dataset(string id, IterationStore store, PairStore pairs, HttpContext http)
    {
        if (store.Find(id) is not { } iteration)
            return NotFound(id);
        if (!IterationStage.HasDataset(iteration.Stage))
            return TypedResults.Problem($"Iteration {id} has not built its dataset yet (stage {iteration.Stage}, status {iteration.Status}).",
                statusCode: StatusCodes.Status409Conflict);
        return TypedResults.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, leaveOpen: true);
            await foreach (var example in pairs.ReadDataset(id, http.RequestAborted))
                await writer.WriteAsync(DatasetFormat.Line(example) + "\n");
        }, "application/x-ndjson");
    }

    private static Results<ServerSentEventsResult<IterationView>, ProblemHttpResult> Events(string id, IterationEvents events, ShutdownGrace grace, HttpContext context)
    {
        if (events.Subscribe(id) is not { } subscription)
            return NotFound(id);
        context.Response.RegisterForDispose(subscription);
        // A stream ends as soon as the service stops, so it does not hold the shutdown for the whole grace period.
        var watching = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, grace.Stopping);
        context.Response.RegisterForDispose(watching);
        return TypedResults.ServerSentEvents(Watch(subscription, watching.Token));
    }

    /// <summary>A snapshot first, then an event per change ("status", "stage" or "progress"), ending when the iteration finishes.</summary>
    private static async IAsyncEnumerable<SseItem<IterationView>> Watch(IterationEvents.Subscription subscription,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IterationView? last = null;
        while (true)
        {
            foreach (var view in subscription.Take())
            {
                var type = last is null ? "snapshot" : view.Status != last.Status ? "status" : view.Stage != last.Stage ? "stage" : "progress";
                if (last is null || view.Status != last.Status || view.Stage != last.Stage || view.Progress != last.Progress || view.Candidate != last.Candidate)
                    yield return new SseItem<IterationView>(view, type);
                if (IterationStatus.IsFinished(view.Status))
                    yield break;
                last = view;
            }
            await subscription.WaitAsync(cancellationToken);
        }
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No iteration {id}.", statusCode: StatusCodes.Status404NotFound);
}
