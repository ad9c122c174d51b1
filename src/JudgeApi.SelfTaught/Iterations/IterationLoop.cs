namespace JudgeApi.SelfTaught;

/// <summary>
/// The stages after the dataset: train, evaluate, promote. Each resumes from what it committed: a finished training
/// is the registered adapter, a finished evaluation its stored report, a finished iteration its promotion decision.
/// </summary>
public sealed class IterationLoop(IterationStore store, IterationLoopStore loopStore, TrainingStage training, EvaluationStage evaluation,
    PromotionStage promotion, IterationEvents events)
{
    public async Task RunAsync(IterationRecord iteration, CancellationToken cancellationToken)
    {
        var id = iteration.Id;
        if (loopStore.Read(id)?.Promotion is not null)
            return;
        var stage = store.Find(id)!.Stage;
        var candidateId = TrainingStage.AdapterIdFor(iteration);

        if (stage is IterationStage.Done or IterationStage.Train)
        {
            Enter(id, IterationStage.Train);
            await training.RunAsync(iteration, cancellationToken);
            stage = IterationStage.Evaluate;
        }

        EvaluationReport? report = null;
        if (stage is IterationStage.Evaluate)
        {
            Enter(id, IterationStage.Evaluate);
            report = await evaluation.RunAsync(iteration, candidateId, cancellationToken);
            Enter(id, IterationStage.Promote);
        }

        report ??= loopStore.Read(id)?.Evaluation
            ?? throw new InvalidOperationException($"Iteration {iteration.Number} reached promotion without a stored evaluation.");
        promotion.Run(iteration, candidateId, report);
        events.Changed(id);
    }

    private void Enter(string id, string stage)
    {
        store.SetStage(id, stage);
        events.Changed(id);
    }
}
