using JudgeApi.Judging;

namespace JudgeApi.Contracts;

/// <summary>
/// POST /judge body. Every field is nullable so that a missing or null field is reported by the validator under its
/// own name; <see cref="ToParameters"/> applies the defaults. What is judged comes in one of three shapes: an
/// instruction and two responses; a conversation and two responses (the candidate final assistant turns); or two
/// whole conversations, conversationA and conversationB (MT-Bench's pairwise multi-turn layout).
/// </summary>
public sealed record JudgeRequest
{
    /// <summary>The instruction (user prompt) both responses answer.</summary>
    public string? Instruction { get; init; }

    /// <summary>The first candidate response.</summary>
    public string? ResponseA { get; init; }

    /// <summary>The second candidate response.</summary>
    public string? ResponseB { get; init; }

    /// <summary>
    /// Instead of instruction: the conversation so far, user and assistant messages alternating from a user message to
    /// the user message that responseA and responseB answer. The judge focuses on that last answer.
    /// </summary>
    public List<ConversationMessage?>? Conversation { get; init; }

    /// <summary>
    /// Instead of instruction, conversation and the responses: assistant A's whole conversation, user and assistant
    /// messages alternating, ending with A's judged answer. conversationB has the same user messages.
    /// </summary>
    public List<ConversationMessage?>? ConversationA { get; init; }

    /// <summary>Assistant B's whole conversation; see conversationA.</summary>
    public List<ConversationMessage?>? ConversationB { get; init; }

    /// <summary>Offer the judge a tie (MT-Bench's "[[C]]"): winner is "tie" when it is the most likely verdict. Default false.</summary>
    public bool? AllowTie { get; init; }

    /// <summary>Optional extra rubric text appended to the judge's instructions.</summary>
    public string? Criteria { get; init; }

    /// <summary>"reasoning" (default: reasoning, then the verdict) or "direct" (verdict from one forward pass).</summary>
    public string? Mode { get; init; }

    /// <summary>Independent judgments combined by mean probability and by vote: 1..32, default 1.</summary>
    public int? Samples { get; init; }

    /// <summary>Also judge with the responses swapped and map that verdict back: default true.</summary>
    public bool? Swap { get; init; }

    /// <summary>Cap on reasoning tokens per judgment: 1..4096, default 512. The verdict is always produced.</summary>
    public int? MaxReasoningTokens { get; init; }

    /// <summary>Sampling temperature 0..2; default 0 (greedy) for one sample, else 0.7.</summary>
    public double? Temperature { get; init; }

    /// <summary>Sampling seed; default 0. Same inputs, seed and model give the same response.</summary>
    public int? Seed { get; init; }

    /// <summary>False skips the cache lookup (the fresh result is still stored): default true.</summary>
    public bool? UseCache { get; init; }

    /// <summary>Why a batch item could not be read as a judge request (a field of the wrong JSON type), by field; null when it was read.</summary>
    internal IDictionary<string, string[]>? ReadErrors { get; init; }

    public JudgeParameters ToParameters()
    {
        var samples = Samples ?? 1;
        var (instruction, responseA, responseB, earlier) = Judged();
        return new JudgeParameters(
            instruction, responseA, responseB, string.IsNullOrWhiteSpace(Criteria) ? null : Criteria,
            JudgeModes.Parse(Mode), samples, Swap ?? true, MaxReasoningTokens ?? 512,
            (float)(Temperature ?? (samples == 1 ? 0 : 0.7)), Seed ?? 0)
        {
            EarlierTurns = earlier,
            AllowTie = AllowTie ?? false,
        };
    }

    /// <summary>The judged turn and the turns before it, whichever shape the request came in (validated).</summary>
    private (string Instruction, string ResponseA, string ResponseB, IReadOnlyList<EarlierTurn>? Earlier) Judged()
    {
        if (ConversationA is not null)
            return JudgedConversation.FromSides(ConversationMessage.ToChat(ConversationA), ConversationMessage.ToChat(ConversationB!));
        if (Conversation is not null)
        {
            var (instruction, earlier) = JudgedConversation.FromShared(ConversationMessage.ToChat(Conversation));
            return (instruction, ResponseA!, ResponseB!, earlier);
        }
        return (Instruction!, ResponseA!, ResponseB!, null);
    }
}
