using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Makes each selected pair (a multi-turn one's earlier answers, then y_w, x', y_l), a few at a time, each stored as it
/// finishes with the models that wrote it; degenerate ones are discarded with their reason.
/// </summary>
public sealed class SynthesisStage(IIterationModel model, PairStore pairs, IOptions<SelfTaughtOptions> options) : IIterationStage
{
    private readonly PairSynthesizer synthesizer = new(model, options.Value.MaxResponseTokens, options.Value.SynthesisTemperature);

    public string Name => IterationStage.Synthesize;

    public async Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var iteration = context.Iteration;
        await ItemWork.ForEachAsync(pairs.InState(iteration.Id, PairState.Selected), options.Value.ItemParallelism, async (pair, token) =>
        {
            var synthesis = await synthesizer.SynthesizeAsync(iteration.Parameters.Seed, pair.InstructionId, pair.Instruction, pair.FollowUps, token);
            pairs.SaveSynthesis(pair.Id, synthesis);
            context.ItemDone();
        }, cancellationToken, context.StopStarting);
        context.Complete();
    }
}
