using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Puts the candidate live only if it is better than what serves now (the active adapter, or the base model) on the
/// held-out pairs: its accuracy at least the serving one's plus <c>Judge:Promotion:Margin</c>, and McNemar's exact
/// test on the paired per-pair outcomes significant at <c>Judge:Promotion:SignificanceLevel</c>. A tie, or a small
/// gain the test cannot tell from noise, does not go live. The iteration's <c>"promotion"</c> can override that
/// (<see cref="PromotionMode"/>). Either way the iteration succeeds and the decision, the counts and the p-value are stored.
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
        var decision = Decide(candidateId, evaluation, options.Value, iteration.Parameters.Promotion);
        // Activating again after a crash before the commit below is harmless: activation is idempotent.
        if (decision.Promoted)
            registry.Activate(candidateId, AdapterChange.Promotion(iteration, decision.Reason));
        context.Complete(db => CandidateStore.SavePromotion(db, iteration.Id, decision));
        logger.LogInformation("Iteration {Number}: {Decision} ({Reason})", iteration.Number, decision.Promoted ? "promoted" : "not promoted", decision.Reason);
        return Task.CompletedTask;
    }

    public static PromotionDecision Decide(string candidateId, EvaluationReport evaluation, PromotionOptions options, string mode = PromotionMode.Gate)
    {
        var (margin, level) = (options.Margin, options.SignificanceLevel);
        var heldOut = evaluation.HeldOut;
        var serving = evaluation.ActiveAdapterId is null ? "the base model" : $"active adapter {evaluation.ActiveAdapterId}";
        var reference = heldOut.Active ?? heldOut.Base;
        if (heldOut.Candidate.Accuracy is not { } candidate || reference.Accuracy is not { } current)
        {
            var empty = "The held-out set has no pairs to compare on: import instructions that no iteration has used before the first evaluation.";
            return mode == PromotionMode.Always
                ? new(true, "Promoted by the iteration's \"promotion\": \"always\". " + empty, candidateId, evaluation.ActiveAdapterId, margin, Overridden: true)
                : new(false, empty, candidateId, evaluation.ActiveAdapterId, margin);
        }

        var test = PairedTest.Compare(heldOut.Candidate.Outcomes ?? "", reference.Outcomes ?? "");
        var gainOk = candidate >= current + margin;
        var significant = test.PValue <= level;
        var numbers = $"held-out accuracy {candidate:0.###} vs {current:0.###} ({serving}), margin {margin}; " +
            $"McNemar's exact test: {test.Better} pairs better, {test.Worse} worse of {test.Pairs}, p = {test.PValue:0.####} (level {level})";
        var passes = gainOk && significant;
        var verdict = passes ? "Better with statistical support" : !gainOk ? "Not better by the margin" : "Not significantly better";
        return mode switch
        {
            PromotionMode.Always => new(true, $"Promoted by the iteration's \"promotion\": \"always\"; the gate alone would{(passes ? "" : " not")} have promoted it: {numbers}.",
                candidateId, evaluation.ActiveAdapterId, margin, test, Overridden: !passes),
            PromotionMode.Never => new(false, $"Not promoted: the iteration's \"promotion\" is \"never\". {verdict}: {numbers}.",
                candidateId, evaluation.ActiveAdapterId, margin, test),
            _ => new(passes, $"{verdict}: {numbers}.", candidateId, evaluation.ActiveAdapterId, margin, test),
        };
    }
}
