namespace JudgeApi.SelfTaught;

/// <summary>Picks the iteration's instructions, spread over its categories, and records them as pairs to make, all in the stage's commit.</summary>
public sealed class SelectionStage(InstructionPool pool) : IIterationStage
{
    public string Name => IterationStage.Select;

    public Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var (id, parameters) = (context.Iteration.Id, context.Iteration.Parameters);
        var candidates = pool.Candidates(parameters.Categories, id, parameters.IncludeUsedInstructions);
        var selected = BalancedSelection.Select(candidates, parameters.Categories, parameters.Instructions, parameters.Seed);
        context.Complete(db => PairStore.SaveSelection(db, id, selected));
        return Task.CompletedTask;
    }
}
