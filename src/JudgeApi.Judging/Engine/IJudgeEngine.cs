using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// The judge model behind one scheduler: every caller (HTTP, the self-taught pipeline) goes through it, so one
/// owner drives the native context and batches concurrent work into its sequences. Thread-safe.
/// </summary>
public interface IJudgeEngine
{
    /// <summary>True once the model is loaded and work is accepted.</summary>
    bool IsReady { get; }

    /// <summary>Why loading failed for good (the service cannot judge until restarted); null while loading or once loaded.</summary>
    string? LoadFailure { get; }

    /// <summary>What is loaded; throws <see cref="JudgeEngineNotReadyException"/> before <see cref="IsReady"/>.</summary>
    JudgeModelInfo Model { get; }

    /// <summary>
    /// One judgment of one fixed order (<see cref="JudgeOnceRequest.First"/> shown as A). Throws
    /// <see cref="LlamaPromptTooLongException"/> before queueing when the prompt cannot fit.
    /// </summary>
    Task<JudgeOnceResult> JudgeOnceAsync(JudgeOnceRequest request, WorkPriority priority, CancellationToken cancellationToken);

    /// <summary>
    /// Several judgments queued together (admitted in the same step when sequences are free): one request's samples
    /// and both orders are decoded side by side. Results in request order.
    /// </summary>
    Task<JudgeOnceResult[]> JudgeManyAsync(IReadOnlyList<JudgeOnceRequest> requests, WorkPriority priority, CancellationToken cancellationToken);

    /// <summary>Free text generation through the model's chat template (assistant turn appended).</summary>
    Task<GenerationResult> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationRequest request, WorkPriority priority, CancellationToken cancellationToken);

    /// <summary>
    /// An OpenAI-style chat completion at interactive priority, its choices decoded side by side. Checks the request
    /// and the prompt's length before it returns (throwing <see cref="LlamaPromptTooLongException"/> then), so a
    /// caller can still answer with an error before it starts streaming.
    /// </summary>
    Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Makes a LoRA adapter (null: the base model alone) the weights of new work, <see cref="Model"/> included. Work
    /// already queued or running finishes on the weights it was queued with; the scheduler switches between decode
    /// batches. Throws <see cref="LlamaAdapterException"/> when llama.cpp refuses the adapter.
    /// </summary>
    void ActivateAdapter(string? adapterPath);

    /// <summary>
    /// Loads an adapter for the base model and judges one fixed pair with it, proving llama.cpp accepts it and that its
    /// verdict scores are finite; throws <see cref="LlamaAdapterException"/> if not. The adapter is not kept loaded.
    /// </summary>
    Task CheckAdapterAsync(string adapterPath, CancellationToken cancellationToken);
}

/// <summary>The weights one judgment runs on: the base model alone (<see cref="AdapterPath"/> null) or with one LoRA adapter.</summary>
public sealed record JudgeWeights(string? AdapterPath)
{
    public static JudgeWeights Base { get; } = new((string?)null);
}

/// <summary>Interactive work (live /judge requests) is always scheduled before background work.</summary>
public enum WorkPriority
{
    Interactive,
    Background,
}

/// <summary>How a judgment is produced.</summary>
public enum JudgeMode
{
    /// <summary>The judge writes its reasoning, then the verdict.</summary>
    Reasoning,

    /// <summary>No reasoning: the verdict is read from the next-token probabilities after the prompt.</summary>
    Direct,
}

/// <param name="First">Shown as assistant A.</param>
/// <param name="Second">Shown as assistant B.</param>
/// <param name="Temperature">0 is greedy.</param>
/// <param name="Instruction">The judged user turn (in a conversation, the last user turn).</param>
/// <param name="Weights">Base model or adapter to judge with; null: the active weights when the call is made.</param>
/// <param name="Earlier">Turns before the judged one (a multi-turn judgment), each side's answer in the order shown.</param>
/// <param name="AllowTie">The prompt offers a tie and its probability is read beside A's and B's.</param>
public sealed record JudgeOnceRequest(
    string Instruction,
    string First,
    string Second,
    string? Criteria = null,
    JudgeMode Mode = JudgeMode.Reasoning,
    int MaxReasoningTokens = 512,
    float Temperature = 0,
    uint Seed = 0,
    JudgeWeights? Weights = null,
    IReadOnlyList<EarlierTurn>? Earlier = null,
    bool AllowTie = false)
{
    /// <summary>The texts as the prompt shows them.</summary>
    public JudgedTexts Texts => new(Instruction, First, Second, Earlier, Criteria, AllowTie);
}

/// <param name="Reasoning">The judge's explanation (empty in direct mode), cut before its verdict lead.</param>
/// <param name="Verdict"><see cref="JudgePrompt.LabelA"/> (first better), <see cref="JudgePrompt.LabelB"/>, or
/// <see cref="JudgePrompt.LabelTie"/> when ties are allowed and the tie is the most likely label.</param>
/// <param name="ProbabilityA">P(first is better), from the labels' next-token probabilities.</param>
/// <param name="ReasoningTokens">Tokens the model generated before the label was read.</param>
/// <param name="HitTokenLimit">The reasoning was cut at the token cap and the verdict forced.</param>
/// <param name="PromptTokens">Tokens of the judge prompt (direct mode: with the verdict lead).</param>
/// <param name="VerdictText">The judge's turn up to the label, exactly as decoded (ends in "[["); with the label and
/// "]]" it is the judgment's training target (<see cref="JudgePrompt.Completion"/>).</param>
/// <param name="Thinking">What a thinking model thought before its reasoning (tags stripped); null for other models.</param>
/// <param name="ProbabilityTie">P(tie) when ties are allowed (then P(second is better) is 1 − P(A) − P(tie)); else null.</param>
public sealed record JudgeOnceResult(string Reasoning, string Verdict, double ProbabilityA, int ReasoningTokens, bool HitTokenLimit, int PromptTokens,
    string VerdictText, string? Thinking = null, double? ProbabilityTie = null)
{
    /// <summary>P(second is better).</summary>
    public double ProbabilityB => 1 - ProbabilityA - (ProbabilityTie ?? 0);
}

/// <param name="Grammar">Optional GBNF grammar constraining the output.</param>
/// <param name="Weights">Base model or adapter to generate with; null: the active weights when the call is made.</param>
public sealed record GenerationRequest(int MaxTokens = 512, float Temperature = 0, uint Seed = 0, string? Grammar = null, JudgeWeights? Weights = null);

public sealed record GenerationResult(string Text, int TokenCount, GenerationStopReason StopReason);

/// <summary>Identity and shape of the loaded judge.</summary>
/// <param name="ContentHash">SHA-256 of the model file (hex), computed once at load.</param>
/// <param name="AdapterHash">SHA-256 of the active LoRA adapter file, null without one.</param>
/// <param name="ContextSize">Tokens available to one judgment (prompt + reasoning + verdict).</param>
/// <param name="ChatTemplate">The built-in template prompts are rendered with in place of the model's own (<c>Judge:ChatTemplate</c>); null: the model's.</param>
/// <param name="BehaviorVersion">What, besides model and adapter, decides the answers (<see cref="JudgeBehavior.Version"/>).</param>
public sealed record JudgeModelInfo(
    string Path,
    string ContentHash,
    string Architecture,
    string Description,
    long ParameterCount,
    long SizeBytes,
    int ContextSize,
    int Sequences,
    string Backend,
    string? AdapterPath,
    string? AdapterHash,
    bool IsDemo,
    string? ChatTemplate,
    string BehaviorVersion)
{
    /// <summary>When new work started to run on these weights (the load, or the last adapter swap): how long a promotion took to reach this replica.</summary>
    public DateTimeOffset? WeightsSince { get; init; }
}

/// <summary>A judgment produced no usable verdict: the weights give non-finite scores (a broken model or adapter). Not the caller's fault.</summary>
public sealed class JudgeOutputException(string message) : Exception(message);

/// <summary>The model is still loading, or failed to load (<see cref="LoadFailed"/>: retrying will not help); the service answers 503.</summary>
public sealed class JudgeEngineNotReadyException(string message, bool loadFailed) : Exception(message)
{
    public bool LoadFailed { get; } = loadFailed;
}
