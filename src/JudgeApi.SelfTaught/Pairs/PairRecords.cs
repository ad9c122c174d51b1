namespace JudgeApi.SelfTaught;

public sealed record PairRecord(long Id, long InstructionId, string Instruction, string? ModifiedInstruction, string? Chosen, string? Rejected);

/// <summary>Seeds and prompt versions a pair was made with, stored next to it.</summary>
public sealed record SynthesisProvenance(uint ChosenSeed, uint ModifySeed, uint RejectedSeed, string ResponsePrompt, string ModifyPrompt);

/// <param name="DiscardReason">Set for a degenerate pair, which is recorded but never annotated.</param>
public sealed record PairSynthesis(string ModifiedInstruction, string Chosen, string Rejected, string? DiscardReason, SynthesisProvenance Provenance);

/// <param name="BehaviorVersion">The judge behaviour that made it (<c>JudgeBehavior.Version</c>); null for judgments stored before it was recorded.</param>
public sealed record JudgmentRecord(int Sample, PairPosition ChosenPosition, PairPosition? Winner, uint Seed, double? ProbabilityA, string Reasoning, string Completion,
    string? BehaviorVersion = null)
{
    /// <summary>A judgment is correct when it picks the response to the original instruction.</summary>
    public bool Correct => Winner == ChosenPosition;
}

public sealed record AnnotatedPair(long Id, long InstructionId, string Instruction, string Chosen, string Rejected, IReadOnlyList<JudgmentRecord> Judgments, int KeptSample);

/// <summary>A kept pair's training example, or (Example null) a pair dropped to balance labels.</summary>
/// <param name="BehaviorVersion">The judge behaviour of the kept judgment.</param>
public sealed record DatasetDecision(long PairId, int? KeptSample, PairPosition? Label, string? MessagesJson, string? BehaviorVersion = null);

/// <param name="BehaviorVersion">The judge behaviour whose judgment the example teaches; null for examples stored before it was recorded.</param>
public sealed record DatasetExample(long PairId, PairPosition Label, string MessagesJson, string? BehaviorVersion = null);
