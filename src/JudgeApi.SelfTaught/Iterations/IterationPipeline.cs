using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>Thrown inside a run when an operator canceled the iteration; the run stops at the item boundary.</summary>
public sealed class IterationCanceledException() : OperationCanceledException("The iteration was canceled by an operator.");

/// <summary>
/// Runs one iteration's stages in order. Every stage works only on items not yet recorded, so running an iteration
/// again after a crash continues where it stopped and produces what an uninterrupted run would have.
/// </summary>
public sealed class IterationPipeline(
    IIterationModel model,
    InstructionPool pool,
    IterationStore store,
    IterationEvents events,
    IOptions<SelfTaughtOptions> options,
    IterationLoop? loop = null)
{
    private readonly InstructionClassifier classifier = new(model, pool);
    private readonly PairSynthesizer synthesizer = new(model, options.Value.MaxResponseTokens, options.Value.SynthesisTemperature);
    private readonly RejectionSampler sampler = new(model);
    private readonly int parallelism = options.Value.ItemParallelism;

    /// <summary>Runs the iteration to completion; throws <see cref="IterationCanceledException"/> when canceled.</summary>
    public async Task RunAsync(IterationRecord iteration, CancellationToken cancellationToken)
    {
        var id = iteration.Id;
        var parameters = iteration.Parameters;
        var stage = iteration.Stage;
        // Train, evaluate, promote (when the host runs the loop); otherwise the dataset is the iteration's product.
        var trains = parameters.Train && loop is not null;

        if (stage is IterationStage.Pending or IterationStage.Classify or IterationStage.Select)
        {
            Enter(id, IterationStage.Classify);
            await classifier.ClassifyPoolAsync(options.Value.CategoryNames, parallelism, () => ItemDone(id), cancellationToken);
            Enter(id, IterationStage.Select);
            var candidates = pool.Candidates(parameters.Categories, id, parameters.IncludeUsedInstructions);
            store.SaveSelection(id, BalancedSelection.Select(candidates, parameters.Categories, parameters.Instructions, parameters.Seed));
            stage = IterationStage.Synthesize;
            events.Changed(id);
        }

        if (stage is IterationStage.Synthesize)
        {
            await ItemWork.ForEachAsync(store.PairsInState(id, PairState.Selected), parallelism, async (pair, token) =>
            {
                var synthesis = await synthesizer.SynthesizeAsync(parameters.Seed, pair.InstructionId, pair.Instruction, token);
                store.SaveSynthesis(pair.Id, synthesis);
                ItemDone(id);
            }, cancellationToken);
            stage = IterationStage.Annotate;
            Enter(id, stage);
        }

        if (stage is IterationStage.Annotate)
        {
            await ItemWork.ForEachAsync(store.PairsInState(id, PairState.Synthesized), parallelism, async (pair, token) =>
            {
                var annotation = await sampler.AnnotateAsync(parameters.Seed, pair.InstructionId, pair.Instruction, pair.Chosen!, pair.Rejected!,
                    parameters.JudgmentsPerPair, parameters.Temperature, token);
                store.SaveAnnotation(pair.Id, annotation.Judgments, annotation.KeptSample);
                ItemDone(id);
            }, cancellationToken);
            stage = IterationStage.Dataset;
            Enter(id, stage);
        }

        if (stage is IterationStage.Dataset)
        {
            var decisions = LabelBalancer.Balance(store.AnnotatedPairs(id), parameters.Seed)
                .Select(choice => choice.Kept is { } kept
                    ? new DatasetDecision(choice.Pair.Id, kept.Sample, kept.ChosenPosition,
                        DatasetFormat.SerializeMessages(DatasetFormat.Messages(model, choice.Pair, kept)))
                    : new DatasetDecision(choice.Pair.Id, null, null, null))
                .ToList();
            store.SaveDataset(id, decisions, trains ? IterationStage.Train : IterationStage.Done);
            events.Changed(id);
        }
        if (trains)
            await loop!.RunAsync(iteration, cancellationToken);
    }

    private void Enter(string id, string stage)
    {
        store.SetStage(id, stage);
        events.Changed(id);
    }

    // The item boundary: tell watchers, then stop here if an operator asked to cancel.
    private void ItemDone(string id)
    {
        events.Changed(id);
        if (store.IsCancelRequested(id))
            throw new IterationCanceledException();
    }
}
