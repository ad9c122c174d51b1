using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Makes each selected pair (a multi-turn one's earlier answers, then y_w, x', y_l), a few at a time on every replica,
/// each stored as it finishes with the models that wrote it; degenerate ones are discarded with their reason.
/// </summary>
public sealed class SynthesisStage(IIterationModel model, PairStore pairs, ItemLeases leases, IterationEvents events, IOptions<SelfTaughtOptions> options)
    : ItemStage<PairRecord>(leases, events, options)
{
    private readonly PairSynthesizer synthesizer = new(model, options.Value.MaxResponseTokens, options.Value.SynthesisTemperature, options.Value.ModifyAttempts);

    public override string Name => IterationStage.Synthesize;

    protected override (string Table, long Id) Key(PairRecord item) => (PairStore.Table, item.Id);

    protected override PairRecord? Claim(IterationRecord iteration, ItemLease lease) => pairs.Claim(iteration.Id, PairState.Selected, lease);

    protected override bool AnyLeft(IterationRecord iteration) => pairs.AnyInState(iteration.Id, PairState.Selected);

    protected override async Task<bool> ProcessAsync(IterationRecord iteration, PairRecord pair, CancellationToken cancellationToken)
    {
        var synthesis = await synthesizer.SynthesizeAsync(iteration.Parameters.Seed, pair.InstructionId, pair.Instruction, pair.FollowUps, cancellationToken);
        return pairs.SaveSynthesis(pair.Id, synthesis, Leases.Replica);
    }
}
