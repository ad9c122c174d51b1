namespace JudgeApi.SelfTaught;

/// <summary>Balances the annotated pairs' labels and writes each kept one's training example, all in the stage's commit.</summary>
public sealed class DatasetStage(IIterationModel model, PairStore pairs) : IIterationStage
{
    public string Name => IterationStage.Dataset;

    public Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var id = context.Iteration.Id;
        var decisions = LabelBalancer.Balance(pairs.Annotated(id), context.Iteration.Parameters.Seed)
            .Select(choice => choice.Kept is { } kept
                ? new DatasetDecision(choice.Pair.Id, kept.Sample, kept.ChosenPosition, DatasetFormat.SerializeMessages(DatasetFormat.Messages(model, choice.Pair, kept)),
                    kept.BehaviorVersion)
                : new DatasetDecision(choice.Pair.Id, null, null, null))
            .ToList();
        context.Complete(db => PairStore.SaveDataset(db, id, decisions));
        return Task.CompletedTask;
    }
}
