using System.Text.Json.Serialization;
using JudgeApi.Judging;

namespace JudgeApi.SelfTaught;

/// <param name="Instruction">The pool instruction (a multi-turn one's first user turn).</param>
public sealed record PairRecord(long Id, long InstructionId, string Instruction, string? ModifiedInstruction, string? Chosen, string? Rejected)
{
    /// <summary>The pool instruction's later user turns (MT-Bench's follow-up questions); null for a single-turn one.</summary>
    public IReadOnlyList<string>? FollowUps { get; init; }

    /// <summary>The earlier turns as synthesis wrote them (the generator's answers); null before synthesis and for a single-turn pair.</summary>
    public IReadOnlyList<HistoryTurn>? History { get; init; }

    /// <summary>The user turn that y_w and y_l answer: the last follow-up, or the instruction itself.</summary>
    public string JudgedInstruction => PoolInstruction.Judged(Instruction, FollowUps);
}

/// <summary>One earlier turn of a multi-turn pair, shared by both responses: a user turn and the generator's answer to it.</summary>
public sealed record HistoryTurn(string User, string Assistant)
{
    /// <summary>The history as the judge shows it: the same answer on both sides; null when there is none.</summary>
    public static IReadOnlyList<EarlierTurn>? Shared(IReadOnlyList<HistoryTurn>? history) =>
        history is { Count: > 0 } ? history.Select(t => new EarlierTurn(t.User, t.Assistant, t.Assistant)).ToArray() : null;
}

/// <summary>Seeds and prompt versions a pair was made with, and the models that wrote it, stored next to it.</summary>
public sealed record SynthesisProvenance(uint ChosenSeed, uint ModifySeed, uint RejectedSeed, string ResponsePrompt, string ModifyPrompt)
{
    /// <summary>The seeds of the earlier turns' answers (multi-turn pairs only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<uint>? HistorySeeds { get; init; }

    /// <summary>
    /// Which models wrote the pair's texts, each once, in the order of the texts (earlier answers, y_w, x', y_l): one
    /// entry unless the judge model wrote them and its adapter changed in between. Null for pairs stored before it was recorded.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<GeneratorIdentity>? Generators { get; init; }
}

/// <param name="DiscardReason">Set for a degenerate pair, which is recorded but never annotated.</param>
/// <param name="History">The earlier turns with the generator's answers (multi-turn pairs); null for a single-turn pair.</param>
public sealed record PairSynthesis(string ModifiedInstruction, string Chosen, string Rejected, string? DiscardReason, SynthesisProvenance Provenance,
    IReadOnlyList<HistoryTurn>? History = null);

/// <param name="BehaviorVersion">The judge behaviour that made it (<c>JudgeBehavior.Version</c>); null for judgments stored before it was recorded.</param>
public sealed record JudgmentRecord(int Sample, PairPosition ChosenPosition, PairPosition? Winner, uint Seed, double? ProbabilityA, string Reasoning, string Completion,
    string? BehaviorVersion = null)
{
    /// <summary>A judgment is correct when it picks the response to the original instruction (a tie never is).</summary>
    public bool Correct => Winner == ChosenPosition;
}

/// <param name="Instruction">The judged user turn (<see cref="PairRecord.JudgedInstruction"/>).</param>
public sealed record AnnotatedPair(long Id, long InstructionId, string Instruction, string Chosen, string Rejected, IReadOnlyList<JudgmentRecord> Judgments,
    int KeptSample, IReadOnlyList<HistoryTurn>? History = null);

/// <summary>A kept pair's training example, or (Example null) a pair dropped to balance labels.</summary>
/// <param name="BehaviorVersion">The judge behaviour of the kept judgment.</param>
/// <param name="DropReason">Why a pair without a kept sample is discarded.</param>
public sealed record DatasetDecision(long PairId, int? KeptSample, PairPosition? Label, string? MessagesJson, string? BehaviorVersion = null,
    string DropReason = DiscardReason.LabelBalance);

/// <param name="BehaviorVersion">The judge behaviour whose judgment the example teaches; null for examples stored before it was recorded.</param>
public sealed record DatasetExample(long PairId, PairPosition Label, string MessagesJson, string? BehaviorVersion = null);
