using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>Puts every pool instruction that has no category yet into one, each stored as soon as it is known, by whichever replica claimed it.</summary>
public sealed class ClassificationStage(IIterationModel model, InstructionPool pool, ItemLeases leases, IterationEvents events, IOptions<SelfTaughtOptions> options)
    : ItemStage<PoolInstruction>(leases, events, options)
{
    private readonly InstructionClassifier classifier = new(model);
    private readonly IReadOnlyList<string> categories = options.Value.CategoryNames;

    public override string Name => IterationStage.Classify;

    protected override (string Table, long Id) Key(PoolInstruction item) => (InstructionPool.Table, item.Id);

    protected override PoolInstruction? Claim(IterationRecord iteration, ItemLease lease) => pool.ClaimUnclassified(iteration.Id, lease);

    protected override bool AnyLeft(IterationRecord iteration) => pool.AnyUnclassified();

    protected override async Task<bool> ProcessAsync(IterationRecord iteration, PoolInstruction instruction, CancellationToken cancellationToken)
    {
        var (category, by) = await classifier.ClassifyAsync(instruction.Text, categories, cancellationToken);
        return pool.SetCategory(instruction.Id, category, IterationPrompts.ClassifyVersion, by, Leases.Replica);
    }
}
