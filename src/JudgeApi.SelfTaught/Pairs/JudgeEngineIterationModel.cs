using JudgeApi.Judging;
using JudgeApi.Llama;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The iterations' model calls: texts from the generator (<see cref="IGeneratorModel"/>: the judge engine itself
/// unless <c>Judge:Generator</c> names another model), judgments from the service's judge engine, all at background
/// priority so live /judge requests go first. Judgments use the service's own prompt (<see cref="JudgePrompt"/>), so
/// the dataset teaches exactly the prompt the service serves.
/// </summary>
public sealed class JudgeEngineIterationModel(IJudgeEngine engine, IGeneratorModel generator, IOptions<SelfTaughtOptions> options) : IIterationModel
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(250);

    public string JudgeBehaviorVersion(PairToJudge pair)
    {
        var texts = Texts(pair);
        return JudgeBehavior.VersionFor(engine.Model.BehaviorVersion, texts.IsMultiTurn, texts.AllowTie);
    }

    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        while (!engine.IsReady)
            await Task.Delay(ReadyPoll, cancellationToken);
    }

    public Task<GeneratedText> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationSettings settings, CancellationToken cancellationToken) =>
        generator.GenerateAsync(messages, settings, cancellationToken);

    public async Task<IReadOnlyList<ModelJudgment>> JudgeAsync(IReadOnlyList<JudgeSample> samples, float temperature, CancellationToken cancellationToken)
    {
        var requests = samples.Select(s => new JudgeOnceRequest(s.Pair.Instruction, s.Pair.ResponseA, s.Pair.ResponseB,
            MaxReasoningTokens: options.Value.MaxJudgeReasoningTokens, Temperature: temperature, Seed: s.Seed,
            Earlier: s.Pair.Earlier, AllowTie: options.Value.AllowTie)).ToList();
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
        JudgePrompt.Render(Texts(pair)).Select(m => new DatasetMessage(m.Role, m.Content)).ToList();

    private JudgedTexts Texts(PairToJudge pair) => new(pair.Instruction, pair.ResponseA, pair.ResponseB, pair.Earlier, AllowTie: options.Value.AllowTie);
}
