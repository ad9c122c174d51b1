using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Puts the candidate live only if its held-out accuracy is at least that of what serves now (the active adapter, or
/// the base model) plus <c>Judge:Promotion:Margin</c>; otherwise the iteration still succeeds, with the reason.
/// </summary>
public sealed class PromotionStage(AdapterRegistry registry, CandidateStore candidates, IOptions<PromotionOptions> options, ILogger<PromotionStage> logger)
    : IIterationStage
{
    public string Name => IterationStage.Promote;

    public Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var iteration = context.Iteration;
        var candidateId = TrainingStage.AdapterIdFor(iteration);
        var evaluation = candidates.Read(iteration.Id)?.Evaluation
            ?? throw new InvalidOperationException($"Iteration {iteration.Number} reached promotion without a stored evaluation.");
        var decision = Decide(candidateId, evaluation, options.Value.Margin);
        // Activating again after a crash before the commit below is harmless: activation is idempotent.
        if (decision.Promoted)
            registry.Activate(candidateId, AdapterChange.Promotion(iteration, decision.Reason));
        context.Complete(db => CandidateStore.SavePromotion(db, iteration.Id, decision));
        logger.LogInformation("Iteration {Number}: {Decision} ({Reason})", iteration.Number, decision.Promoted ? "promoted" : "not promoted", decision.Reason);
        return Task.CompletedTask;
    }

    public static PromotionDecision Decide(string candidateId, EvaluationReport evaluation, double margin)
    {
        var heldOut = evaluation.HeldOut;
        var serving = evaluation.ActiveAdapterId is null ? "the base model" : $"active adapter {evaluation.ActiveAdapterId}";
        var reference = (heldOut.Active ?? heldOut.Base).Accuracy;
        if (heldOut.Candidate.Accuracy is not { } candidate || reference is not { } current)
            return new(false, "The held-out set has no pairs to compare on: import instructions that no iteration has used before the first evaluation.",
                candidateId, evaluation.ActiveAdapterId, margin);
        return candidate >= current + margin
            ? new(true, $"Held-out accuracy {candidate:0.###} >= {current:0.###} ({serving}) + margin {margin}.", candidateId, evaluation.ActiveAdapterId, margin)
            : new(false, $"Held-out accuracy {candidate:0.###} < {current:0.###} ({serving}) + margin {margin}.", candidateId, evaluation.ActiveAdapterId, margin);
    }
}
