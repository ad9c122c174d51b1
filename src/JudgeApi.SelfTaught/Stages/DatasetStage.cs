namespace JudgeApi.SelfTaught;

/// <summary>
/// Balances the annotated pairs' labels, keeps at most the iteration's <c>maxExamples</c>, and writes each kept one's
/// training example, all in the stage's commit.
/// </summary>
public sealed class DatasetStage(IIterationModel model, PairStore pairs) : IIterationStage
{
    public string Name => IterationStage.Dataset;

    public Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var (id, parameters) = (context.Iteration.Id, context.Iteration.Parameters);
        var choices = LabelBalancer.Balance(pairs.Annotated(id), parameters.Seed, parameters.RejectionSampling);
        if (parameters.MaxExamples is { } max)
            choices = LabelBalancer.Limit(choices, max, parameters.Seed);
        var decisions = choices
            .Select(choice => choice.Kept is { } kept
                ? new DatasetDecision(choice.Pair.Id, kept.Sample, kept.ChosenPosition, DatasetFormat.SerializeMessages(DatasetFormat.Messages(model, choice.Pair, kept)),
                    kept.BehaviorVersion)
                : new DatasetDecision(choice.Pair.Id, null, null, null, DropReason: choice.Reason))
            .ToList();
        context.Complete(db => PairStore.SaveDataset(db, id, decisions));
        return Task.CompletedTask;
    }
}
