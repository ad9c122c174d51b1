using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>Puts every pool instruction that has no category yet into one, each stored as soon as it is known.</summary>
public sealed class ClassificationStage(IIterationModel model, InstructionPool pool, IOptions<SelfTaughtOptions> options) : IIterationStage
{
    private readonly InstructionClassifier classifier = new(model, pool);

    public string Name => IterationStage.Classify;

    public async Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        await classifier.ClassifyPoolAsync(options.Value.CategoryNames, options.Value.ItemParallelism, context.ItemDone, cancellationToken, context.StopStarting);
        context.Complete();
    }
}
