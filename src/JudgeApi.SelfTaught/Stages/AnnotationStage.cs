using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>Judges each synthesised pair N times by rejection sampling, a few pairs at a time, each pair's judgments stored together.</summary>
public sealed class AnnotationStage(IIterationModel model, PairStore pairs, IOptions<SelfTaughtOptions> options) : IIterationStage
{
    private readonly RejectionSampler sampler = new(model);

    public string Name => IterationStage.Annotate;

    public async Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var (id, parameters) = (context.Iteration.Id, context.Iteration.Parameters);
        await ItemWork.ForEachAsync(pairs.InState(id, PairState.Synthesized), options.Value.ItemParallelism, async (pair, token) =>
        {
            var annotation = await sampler.AnnotateAsync(parameters.Seed, pair.InstructionId, pair.JudgedInstruction, pair.Chosen!, pair.Rejected!,
                HistoryTurn.Shared(pair.History), parameters.JudgmentsPerPair, parameters.Temperature, token);
            pairs.SaveAnnotation(pair.Id, annotation.Judgments, annotation.KeptSample);
            context.ItemDone();
        }, cancellationToken, context.StopStarting);
        context.Complete();
    }
}
