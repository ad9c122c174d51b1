using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>What the scheduler does with one sequence once its prompt is decoded.</summary>
internal enum SequenceJobKind
{
    /// <summary>Sample until end of generation or the token cap; the text is the result.</summary>
    Generate,

    /// <summary>Sample reasoning until the verdict opens, end of generation or the cap; then force the verdict lead and read the labels.</summary>
    ReasonThenVerdict,

    /// <summary>The prompt already ends with the verdict lead: read the labels from its last logits.</summary>
    Verdict,
}

/// <summary>One unit of scheduler work: a prompt in one sequence, handed over from the caller's thread.</summary>
internal sealed class SequenceJob(int[] prompt, SequenceJobKind kind, LlamaSampler? sampler, int maxTokens,
    WorkPriority priority, CancellationToken cancellationToken, LoraAdapter? adapter = null) : IDisposable
{
    /// <summary>The LoRA adapter the context must have while this job runs; null for the base model.</summary>
    public LoraAdapter? Adapter { get; } = adapter;

    public int[] Prompt { get; } = prompt;
    public SequenceJobKind Kind { get; } = kind;

    /// <summary>Owned by the job from here on; null for <see cref="SequenceJobKind.Verdict"/>.</summary>
    public LlamaSampler? Sampler { get; } = sampler;

    public int MaxTokens { get; } = maxTokens;
    public WorkPriority Priority { get; } = priority;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public TaskCompletionSource<SequenceOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the scheduler when the caller cancels; released with the job so long-lived tokens do not collect them.</summary>
    public CancellationTokenRegistration WakeOnCancel { get; set; }

    public void Dispose()
    {
        WakeOnCancel.Dispose();
        Sampler?.Dispose();
    }
}

/// <param name="Text">Generated text (reasoning for a judgment, cut before the verdict).</param>
/// <param name="ProbabilityFirst">P(label A) among the two labels; null for plain generation.</param>
internal sealed record SequenceOutcome(string Text, int GeneratedTokens, GenerationStopReason StopReason, double? ProbabilityFirst);
