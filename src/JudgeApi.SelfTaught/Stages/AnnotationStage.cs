using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>Judges each synthesised pair N times by rejection sampling, a few pairs at a time on every replica, each pair's judgments stored together.</summary>
public sealed class AnnotationStage(IIterationModel model, PairStore pairs, ItemLeases leases, IterationEvents events, IOptions<SelfTaughtOptions> options)
    : ItemStage<PairRecord>(leases, events, options)
{
    private readonly RejectionSampler sampler = new(model);

    public override string Name => IterationStage.Annotate;

    protected override (string Table, long Id) Key(PairRecord item) => (PairStore.Table, item.Id);

    protected override PairRecord? Claim(IterationRecord iteration, ItemLease lease) => pairs.Claim(iteration.Id, PairState.Synthesized, lease);

    protected override bool AnyLeft(IterationRecord iteration) => pairs.AnyInState(iteration.Id, PairState.Synthesized);

    protected override async Task<bool> ProcessAsync(IterationRecord iteration, PairRecord pair, CancellationToken cancellationToken)
    {
        var parameters = iteration.Parameters;
        var annotation = await sampler.AnnotateAsync(parameters.Seed, pair.InstructionId, pair.JudgedInstruction, pair.Chosen!, pair.Rejected!,
            HistoryTurn.Shared(pair.History), parameters.JudgmentsPerPair, parameters.Temperature, parameters.RejectionSampling, cancellationToken);
        return pairs.SaveAnnotation(pair.Id, annotation.Judgments, annotation.KeptSample, Leases.Replica);
    }
}
