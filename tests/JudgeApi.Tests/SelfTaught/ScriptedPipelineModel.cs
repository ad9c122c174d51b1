using System.Text.RegularExpressions;
using JudgeApi.Llama;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>
/// A stand-in model with scripted, seed-deterministic behaviour: answers are "Answer to: x", modified instructions
/// "Variant of: x", categories come from keywords, and the judge is right unless <see cref="JudgeIsWrong"/> says so.
/// </summary>
internal sealed partial class ScriptedPipelineModel : IIterationModel
{
    private int judgeCalls;
    private int generateCalls;

    /// <summary>Decides, per judged pair and seed, whether the judge picks the rejected response.</summary>
    public Func<PairToJudge, uint, bool> JudgeIsWrong { get; init; } = (_, seed) => seed % 4 == 0;

    /// <summary>Replaces the modified instruction for an original and a seed (to script degenerate pairs).</summary>
    public Func<string, uint, string?> ModifiedInstruction { get; init; } = (_, _) => null;

    /// <summary>Throws <see cref="SimulatedCrashException"/> on the judge call with this 1-based number.</summary>
    public int? CrashOnJudgeCall { get; init; }

    /// <summary>Sees every conversation generation is asked to continue.</summary>
    public Action<IReadOnlyList<ChatMessage>>? OnGenerate { get; init; }

    /// <summary>Generation waits for this task first, so a test can hold an iteration at its first model call.</summary>
    public Task Gate { get; init; } = Task.CompletedTask;

    public int JudgeCalls => judgeCalls;

    public int GenerateCalls => generateCalls;

    /// <summary>Who the scripted model says wrote its texts.</summary>
    public static GeneratorIdentity Identity { get; } = new("scripted", Model: "scripted-generator/v1");

    /// <summary>The behaviour version the scripted judge gives every judgment.</summary>
    public const string BehaviorVersion = "scripted-judge/v1";

    public string JudgeBehaviorVersion(PairToJudge pair) => BehaviorVersion;

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<GeneratedText> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationSettings settings, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        Interlocked.Increment(ref generateCalls);
        OnGenerate?.Invoke(messages);
        return new GeneratedText(Reply(messages[^1].Content, settings.Seed), Identity);
    }

    /// <summary>The scripted reply to the last user turn (earlier turns do not change it).</summary>
    private string Reply(string userPrompt, uint seed)
    {
        if (userPrompt.StartsWith("Which category fits", StringComparison.Ordinal))
        {
            var instruction = Embedded(userPrompt);
            return instruction.Contains("code") ? "coding" : instruction.Contains("sum") ? "math" : "writing";
        }
        if (userPrompt.Contains("Write a different instruction", StringComparison.Ordinal))
        {
            var instruction = Embedded(userPrompt);
            return ModifiedInstruction(instruction, seed) ?? $"Variant of: {instruction}";
        }
        return $"Answer to: {userPrompt}";
    }

    public Task<IReadOnlyList<ModelJudgment>> JudgeAsync(IReadOnlyList<JudgeSample> samples, float temperature, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<ModelJudgment>>(samples.Select(Judge).ToList());
    }

    private ModelJudgment Judge(JudgeSample sample)
    {
        if (Interlocked.Increment(ref judgeCalls) == CrashOnJudgeCall)
            throw new SimulatedCrashException();
        var pair = sample.Pair;
        var chosen = pair.ResponseA == $"Answer to: {pair.Instruction}" ? PairPosition.A : PairPosition.B;
        var winner = JudgeIsWrong(pair, sample.Seed) ? (chosen == PairPosition.A ? PairPosition.B : PairPosition.A) : chosen;
        var reasoning = $"Reasoning with seed {sample.Seed}.";
        return new ModelJudgment(winner, reasoning, $"{reasoning}\nVerdict: [[{winner}]]", winner == PairPosition.A ? 0.9 : 0.1);
    }

    public IReadOnlyList<DatasetMessage> RenderJudgePrompt(PairToJudge pair) =>
        [new("system", "You are a judge."), new("user", $"Q: {pair.Instruction}\nA: {pair.ResponseA}\nB: {pair.ResponseB}")];

    private static string Embedded(string prompt) => InstructionTag().Match(prompt).Groups[1].Value;

    [GeneratedRegex("<instruction>\n(.*)\n</instruction>", RegexOptions.Singleline)]
    private static partial Regex InstructionTag();
}

internal sealed class SimulatedCrashException() : Exception("simulated crash");
