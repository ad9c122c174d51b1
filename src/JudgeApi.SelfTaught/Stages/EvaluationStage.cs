using System.Collections.Concurrent;
using JudgeApi.Judging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Scores the base model, the active adapter and the candidate, each judging both orders, on the fixed held-out set
/// and (when <c>Judge:Evaluation:LabeledSetPath</c> is set) on a labeled set (RewardBench, conversations or MT-Bench
/// human judgments), overall and per subset, with tie-aware agreement when it holds ties.
/// The leader builds the held-out set and makes one item per set, weights and pair (<see cref="EvaluationItems"/>);
/// every replica claims and judges items like the pipeline's; once all are recorded the leader computes the report
/// from the recorded outcomes, so it is the same however the items were split.
/// Evaluation judgments run at background priority and pinned to their weights, so live traffic keeps its adapter.
/// </summary>
public sealed class EvaluationStage(HeldOutSet heldOutSet, PairwiseEvaluator evaluator, AdapterRegistry registry, EvaluationItems items, ItemLeases leases,
    IterationEvents events, IOptions<EvaluationOptions> options, IOptions<SelfTaughtOptions> selfTaught, IOptions<JudgeOptions> judge,
    ILogger<EvaluationStage> logger) : ItemStage<EvaluationItem>(leases, events, selfTaught)
{
    // A plan and its adapter files never change once written, so each replica reads the running iteration's plan and
    // fetches (and hashes) its files once; one iteration evaluates at a time, so the next one's plan replaces it.
    private sealed record LoadedPlan(string IterationId, EvaluationPlan Plan, JudgeMode Mode)
    {
        public ConcurrentDictionary<string, JudgeWeights> Adapters { get; } = new(StringComparer.Ordinal);
    }

    private volatile LoadedPlan? loaded;

    public override string Name => IterationStage.Evaluate;

    /// <summary>Enough items in flight to fill the engine's sequences (two orders each), as judging a whole set at once did.</summary>
    private protected override int Parallelism => Math.Max(base.Parallelism, judge.Value.Sequences / 2);

    protected override (string Table, long Id) Key(EvaluationItem item) => (EvaluationItems.Table, item.Id);

    protected override EvaluationItem? Claim(IterationRecord iteration, ItemLease lease) => items.Claim(iteration.Id, lease);

    protected override bool AnyLeft(IterationRecord iteration) => items.AnyLeft(iteration.Id);

    /// <summary>Builds the held-out set (once for all iterations) and makes the items, unless a previous run of the stage made them.</summary>
    private protected override async Task PrepareAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var iteration = context.Iteration;
        if (items.Plan(iteration.Id) is not null)
            return;
        // Building the held-out set is redone whole after a restart, so a stopping service does not wait for it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.StopStarting);
        var heldOut = await heldOutSet.GetOrBuildAsync(stop.Token);
        var labeled = LabeledSet();
        var settings = options.Value;
        var plan = new EvaluationPlan(registry.ActiveId(), TrainingStage.AdapterIdFor(iteration), JudgeModes.Name(JudgeModes.Parse(settings.Mode)),
            settings.MaxReasoningTokens, settings.AllowTie, labeled is not null);
        items.Create(iteration.Id, plan, heldOut, labeled);
        context.Changed();
    }

    protected override async Task<bool> ProcessAsync(IterationRecord iteration, EvaluationItem item, CancellationToken cancellationToken)
    {
        var current = Load(iteration);
        var plan = current.Plan;
        var weights = item.Weights switch
        {
            EvaluationItems.Weights.Base => JudgeWeights.Base,
            EvaluationItems.Weights.Active => Weights(current, plan.ActiveAdapterId!),
            _ => Weights(current, plan.CandidateAdapterId),
        };
        var outcome = await evaluator.JudgeBothOrdersAsync(item.Pair, weights, current.Mode, plan.MaxReasoningTokens, plan.AllowTie,
            WorkPriority.Background, cancellationToken);
        return items.Save(item.Id, outcome, Leases.Replica);
    }

    private protected override void Complete(IterationContext context)
    {
        var iteration = context.Iteration;
        var candidateId = TrainingStage.AdapterIdFor(iteration);
        EvaluationReport? report = null;
        context.Complete(db =>
        {
            report = EvaluationItems.Report(db, iteration.Id);
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
            iteration.Number, report!.HeldOut.Base.Accuracy, report.HeldOut.Active?.Accuracy, report.HeldOut.Candidate.Accuracy, report.HeldOut.Pairs);
    }

    /// <summary>An adapter's weights on this replica, fetched from the database when another replica trained it (a leader that died after training, a follower).</summary>
    private LoadedPlan Load(IterationRecord iteration)
    {
        if (loaded is { } current && current.IterationId == iteration.Id)
            return current;
        var plan = items.Plan(iteration.Id) ?? throw new InvalidOperationException($"Iteration {iteration.Number} has evaluation items but no plan.");
        return loaded = new LoadedPlan(iteration.Id, plan, JudgeModes.Parse(plan.Mode));
    }

    private JudgeWeights Weights(LoadedPlan plan, string adapterId) => plan.Adapters.GetOrAdd(adapterId, id =>
        new JudgeWeights(registry.Fetch(id) ?? throw new FileNotFoundException($"Adapter {id} has no file, here or in the database.")));

    private IReadOnlyList<LabeledPair>? LabeledSet()
    {
        if (string.IsNullOrWhiteSpace(options.Value.LabeledSetPath))
            return null;
        var pairs = LabeledSetFile.Read(options.Value.LabeledSetPath);
        var limit = options.Value.MaxLabeledPairs;
        return limit > 0 ? pairs.Take(limit).ToList() : pairs;
    }
}
