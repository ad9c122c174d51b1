using JudgeApi.Judging;
using JudgeApi.Llama;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The iterations' model calls on the service's judge engine, all at background priority so live /judge requests go
/// first. Judgments use the service's own prompt (<see cref="JudgePrompt"/>), so the dataset teaches exactly the
/// prompt the service serves.
/// </summary>
public sealed class JudgeEngineIterationModel(IJudgeEngine engine, IOptions<SelfTaughtOptions> options) : IIterationModel
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(250);

    public string JudgeBehaviorVersion => engine.Model.BehaviorVersion;

    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        while (!engine.IsReady)
            await Task.Delay(ReadyPoll, cancellationToken);
    }

    public async Task<string> GenerateAsync(string userPrompt, GenerationSettings settings, CancellationToken cancellationToken)
    {
        var result = await engine.GenerateAsync([new ChatMessage("user", userPrompt)],
            new GenerationRequest(settings.MaxTokens, settings.Temperature, settings.Seed, settings.Grammar), WorkPriority.Background, cancellationToken);
        return result.Text;
    }

    public async Task<IReadOnlyList<ModelJudgment>> JudgeAsync(IReadOnlyList<JudgeSample> samples, float temperature, CancellationToken cancellationToken)
    {
        var requests = samples.Select(s => new JudgeOnceRequest(s.Pair.Instruction, s.Pair.ResponseA, s.Pair.ResponseB,
            MaxReasoningTokens: options.Value.MaxJudgeReasoningTokens, Temperature: temperature, Seed: s.Seed)).ToList();
        var results = await engine.JudgeManyAsync(requests, WorkPriority.Background, cancellationToken);
        return results.Select(ToJudgment).ToList();
    }

    private static ModelJudgment ToJudgment(JudgeOnceResult result)
    {
        PairPosition? winner = result.Verdict switch
        {
            JudgePrompt.LabelA => PairPosition.A,
            JudgePrompt.LabelB => PairPosition.B,
            _ => null,
        };
        return new(winner, result.Reasoning, JudgePrompt.Completion(result.VerdictText, result.Verdict), result.ProbabilityA);
    }

    public IReadOnlyList<DatasetMessage> RenderJudgePrompt(PairToJudge pair) =>
        JudgePrompt.Render(pair.Instruction, pair.ResponseA, pair.ResponseB).Select(m => new DatasetMessage(m.Role, m.Content)).ToList();
}
