using JudgeApi.Judging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Scores the base model, the active adapter and the candidate, each judging both orders, on the fixed held-out set
/// and (when <c>Judge:Evaluation:LabeledSetPath</c> is set) on a labeled set (RewardBench, conversations or MT-Bench
/// human judgments), overall and per subset, with tie-aware agreement when it holds ties.
/// Evaluation judgments run at background priority and pinned to their weights, so live traffic keeps its adapter.
/// </summary>
public sealed class EvaluationStage(HeldOutSet heldOutSet, PairwiseEvaluator evaluator, AdapterRegistry registry,
    IOptions<EvaluationOptions> options, ILogger<EvaluationStage> logger) : IIterationStage
{
    public string Name => IterationStage.Evaluate;

    public async Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var iteration = context.Iteration;
        // Evaluation is redone whole after a restart, so a stopping service does not wait for it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.StopStarting);
        cancellationToken = stop.Token;
        var candidateId = TrainingStage.AdapterIdFor(iteration);
        var settings = options.Value;
        var mode = JudgeModes.Parse(settings.Mode);
        var heldOut = await heldOutSet.GetOrBuildAsync(cancellationToken);
        var labeled = LabeledSet();

        var activeId = registry.ActiveId();
        // Fetched from the database when another replica trained the candidate (a leader that died after training).
        var candidate = new JudgeWeights(Fetch(candidateId));
        var active = activeId is null ? null : new JudgeWeights(Fetch(activeId));

        async Task<EvaluationSetResult> ScoreAsync(IReadOnlyList<LabeledPair> pairs)
        {
            Task<AccuracyScore> Score(JudgeWeights weights) =>
                evaluator.EvaluateAsync(pairs, weights, mode, settings.MaxReasoningTokens, settings.AllowTie, WorkPriority.Background, null, cancellationToken);
            return new EvaluationSetResult(pairs.Count, await Score(JudgeWeights.Base), active is null ? null : await Score(active), await Score(candidate));
        }

        var report = new EvaluationReport(activeId, JudgeModes.Name(mode), await ScoreAsync(heldOut), labeled is null ? null : await ScoreAsync(labeled));
        context.Complete(db =>
        {
            CandidateStore.SaveEvaluation(db, iteration.Id, report);
            AdapterRegistry.SetMetrics(db, candidateId, new
            {
                training = CandidateStore.Read(db, iteration.Id)?.Training,
                heldOutAccuracy = report.HeldOut.Candidate.Accuracy,
                labeledAccuracy = report.Labeled?.Candidate.Accuracy,
                labeledSubsets = report.Labeled?.Candidate.Subsets,
            });
        });
        logger.LogInformation("Iteration {Number}: held-out accuracy base {Base}, active {Active}, candidate {Candidate} on {Pairs} pairs.",
            iteration.Number, report.HeldOut.Base.Accuracy, report.HeldOut.Active?.Accuracy, report.HeldOut.Candidate.Accuracy, report.HeldOut.Pairs);
    }

    private string Fetch(string adapterId) => registry.Fetch(adapterId) ?? throw new FileNotFoundException($"Adapter {adapterId} has no file, here or in the database.");

    private IReadOnlyList<LabeledPair>? LabeledSet()
    {
        if (string.IsNullOrWhiteSpace(options.Value.LabeledSetPath))
            return null;
        var pairs = LabeledSetFile.Read(options.Value.LabeledSetPath);
        var limit = options.Value.MaxLabeledPairs;
        return limit > 0 ? pairs.Take(limit).ToList() : pairs;
    }
}
