namespace JudgeApi.SelfTaught;

/// <summary>
/// What iterations need from the current model. All calls are background work: an implementation
/// must serve live judge traffic first.
/// </summary>
public interface IIterationModel
{
    /// <summary>Completes once the model can take work (an iteration stays queued until then).</summary>
    Task WaitUntilReadyAsync(CancellationToken cancellationToken);

    /// <summary>The assistant's reply to <paramref name="userPrompt"/> given as a single user turn.</summary>
    Task<string> GenerateAsync(string userPrompt, GenerationSettings settings, CancellationToken cancellationToken);

    /// <summary>
    /// One judgment per sample (each a pair in a fixed A/B order and its seed), in sample order; the samples are handed
    /// over together so the engine can decode them side by side.
    /// </summary>
    Task<IReadOnlyList<ModelJudgment>> JudgeAsync(IReadOnlyList<JudgeSample> samples, float temperature, CancellationToken cancellationToken);

    /// <summary>The judge behaviour (prompt, sampling, verdict reading, template) of <see cref="JudgeAsync"/>'s judgments, stored with each.</summary>
    string JudgeBehaviorVersion { get; }

    /// <summary>The exact messages the judge sees for <paramref name="pair"/> (system and user turns, no assistant turn).</summary>
    IReadOnlyList<DatasetMessage> RenderJudgePrompt(PairToJudge pair);
}

/// <param name="Grammar">GBNF that constrains the output, or null for free text.</param>
public sealed record GenerationSettings(int MaxTokens, float Temperature, uint Seed, string? Grammar = null);

public sealed record PairToJudge(string Instruction, string ResponseA, string ResponseB);

public sealed record JudgeSample(PairToJudge Pair, uint Seed);

public enum PairPosition { A, B }

/// <param name="Winner">The position the judge picked; null for a tie or an unparsable verdict.</param>
/// <param name="Completion">The judge's turn exactly as a training target: what it decoded up to the label, the label and "]]".</param>
public sealed record ModelJudgment(PairPosition? Winner, string Reasoning, string Completion, double? ProbabilityA);

/// <summary>One chat turn of a training example, in the shape trainers read.</summary>
public sealed record DatasetMessage(string Role, string Content);
