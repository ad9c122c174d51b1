namespace JudgeApi.Judging;

/// <summary>POST /judge answer.</summary>
/// <param name="Id">Judgment id (also in the logs and the X-Judgment-Id header).</param>
/// <param name="Winner">"A", "B", or "tie" when probabilityA is within <see cref="JudgeBehavior.TieEpsilon"/> of 0.5.</param>
/// <param name="Confidence">Probability of the winner: max(probabilityA, 1 - probabilityA).</param>
/// <param name="ProbabilityA">P(response A is better), averaged over samples and both orders.</param>
/// <param name="Reasoning">The judge's reasoning (original order); empty in direct mode.</param>
/// <param name="Thinking">A thinking model's thought before that reasoning; null for models that do not think.</param>
/// <param name="Votes">Per-judgment verdicts (samples x orders), mapped back to A/B.</param>
/// <param name="ReasoningTokens">Reasoning tokens generated over all judgments.</param>
/// <param name="HitTokenLimit">Some reasoning was cut at maxReasoningTokens (the verdict was still read).</param>
/// <param name="PromptTokens">Prompt tokens decoded over all judgments.</param>
/// <param name="BehaviorVersion">The judge behaviour that answered (<see cref="JudgeBehavior.Version"/>): prompt, sampling, verdict reading, template.</param>
public sealed record JudgeResponse(
    string Id,
    string Winner,
    double Confidence,
    double ProbabilityA,
    string Reasoning,
    string? Thinking,
    JudgeVotes Votes,
    JudgeModelRef Model,
    bool Cached,
    double ElapsedMs,
    string Mode,
    string PromptVersion,
    string BehaviorVersion,
    int ReasoningTokens,
    bool HitTokenLimit,
    int PromptTokens);

public sealed record JudgeVotes(int A, int B);

/// <param name="Base">Base model file name.</param>
/// <param name="Adapter">LoRA adapter file name, null without one.</param>
public sealed record JudgeModelRef(string Base, string? Adapter);
