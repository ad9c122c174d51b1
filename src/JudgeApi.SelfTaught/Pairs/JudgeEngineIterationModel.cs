using JudgeApi.Judging;
using JudgeApi.Llama;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The iterations' model calls: texts from the generator (<see cref="IGeneratorModel"/>: the judge engine itself
/// unless <c>Judge:Generator</c> names another model), judgments from the service's judge engine, all at background
/// priority so live /judge requests go first. Judgments use the service's own prompt (<see cref="JudgePrompt"/>), so
/// the dataset teaches exactly the prompt the service serves. An annotation's verdict is sampled from the labels'
/// probabilities at the annotation temperature, as its reasoning is (<see cref="SampledLabel"/>): read as the more
/// likely label, N samples of a judge whose verdict barely follows its reasoning gave one verdict N times, and
/// rejection sampling then kept only the pairs whose y_w stood where that judge always points.
/// </summary>
public sealed class JudgeEngineIterationModel(IJudgeEngine engine, IGeneratorModel generator, IOptions<SelfTaughtOptions> options) : IIterationModel
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Appended to the judge behaviour of annotations: how their verdict is chosen.</summary>
    public const string SampledVerdict = "; verdict sampled from the label probabilities at the temperature";

    public string JudgeBehaviorVersion(PairToJudge pair)
    {
        var texts = Texts(pair);
        return JudgeBehavior.VersionFor(engine.Model.BehaviorVersion, texts.IsMultiTurn, texts.AllowTie) + SampledVerdict;
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
        return results.Select((result, i) => ToJudgment(result, SampledLabel(result, temperature, samples[i].Seed))).ToList();
    }

    /// <summary>
    /// A label drawn from the labels' probabilities sharpened by <paramref name="temperature"/> (p^(1/T), renormalised),
    /// deterministic for <paramref name="seed"/>; the more likely label at temperature 0.
    /// </summary>
    public static string SampledLabel(JudgeOnceResult result, float temperature, uint seed)
    {
        if (temperature <= 0)
            return result.Verdict;
        var labels = result.ProbabilityTie is { } tie
            ? new[] { (JudgePrompt.LabelA, result.ProbabilityA), (JudgePrompt.LabelB, result.ProbabilityB), (JudgePrompt.LabelTie, tie) }
            : [(JudgePrompt.LabelA, result.ProbabilityA), (JudgePrompt.LabelB, result.ProbabilityB)];
        var weights = labels.Select(l => Math.Pow(Math.Max(l.Item2, 0), 1 / temperature)).ToArray();
        var draw = new Random(unchecked((int)(seed * 2654435761u))).NextDouble() * weights.Sum();
        for (var i = 0; i < labels.Length - 1; i++)
            if ((draw -= weights[i]) < 0)
                return labels[i].Item1;
        return labels[^1].Item1;
    }

    private static ModelJudgment ToJudgment(JudgeOnceResult result, string label)
    {
        PairPosition? winner = label switch
        {
            JudgePrompt.LabelA => PairPosition.A,
            JudgePrompt.LabelB => PairPosition.B,
            _ => null,
        };
        return new(winner, result.Reasoning, JudgePrompt.Completion(result.VerdictText, label), result.ProbabilityA);
    }

    public IReadOnlyList<DatasetMessage> RenderJudgePrompt(PairToJudge pair) =>
        JudgePrompt.Render(Texts(pair)).Select(m => new DatasetMessage(m.Role, m.Content)).ToList();

    private JudgedTexts Texts(PairToJudge pair) => new(pair.Instruction, pair.ResponseA, pair.ResponseB, pair.Earlier, AllowTie: options.Value.AllowTie);
}
