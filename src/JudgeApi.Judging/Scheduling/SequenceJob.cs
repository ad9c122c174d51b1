using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>Interactive sequences are admitted and decoded first; background ones fill the rest of each batch (or, reproducibly, are decoded alone).</summary>
internal enum SequencePriority
{
    Interactive,
    Background,
}

/// <summary>One unit of scheduler work: a prompt in one sequence, handed over from the caller's thread.</summary>
/// <param name="sampler">Samples the generated tokens, owned by the job from here on; null: no generation, the
/// <paramref name="program"/> reads the logits after the prompt.</param>
/// <param name="program">What the caller makes of the generation and the logits; null: plain generation.</param>
/// <param name="adapter">The LoRA adapter the context must have while this job runs; null for the base model.</param>
internal sealed class SequenceJob(int[] prompt, SequencePriority priority, LoraAdapter? adapter, LlamaSampler? sampler,
    int maxTokens, ISequenceProgram? program, CancellationToken cancellationToken) : IDisposable
{
    private readonly TaskCompletionSource<SequenceResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int[] Prompt { get; } = prompt;
    public SequencePriority Priority { get; } = priority;
    public LoraAdapter? Adapter { get; } = adapter;
    public LlamaSampler? Sampler { get; } = sampler;

    /// <summary>Generation stops with <see cref="GenerationStopReason.MaxTokens"/> once this many tokens are generated.</summary>
    public int MaxTokens { get; } = maxTokens;

    public ISequenceProgram? Program { get; } = sampler is null && program is null
        ? throw new ArgumentException("A job that does not generate needs a program to read its logits.", nameof(program))
        : program;

    /// <summary>KV cells the job can fill: its prompt, and with a sampler its generation and the program's input after it.</summary>
    public int Cells { get; } = prompt.Length + (sampler is null ? 0 : Math.Max(maxTokens, program?.Room ?? 0));

    /// <summary>Order of arrival, set when queued: within a priority the oldest job's input is decoded first.</summary>
    public long Arrival { get; set; }

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>When the job was queued (<see cref="System.Diagnostics.Stopwatch"/> ticks), and when it got a sequence (0 until then).</summary>
    public long QueuedAt { get; set; }
    public long StartedAt { get; set; }
    public Task<SequenceResult> Completion => _completion.Task;

    /// <summary>Wakes the scheduler when the caller cancels; released with the job so long-lived tokens do not collect them.</summary>
    public CancellationTokenRegistration WakeOnCancel { get; set; }

    // Each ending completes the caller's task, then releases the job.
    public void Succeed(SequenceResult result)
    {
        _completion.TrySetResult(result);
        Dispose();
    }

    public void Fail(Exception error)
    {
        _completion.TrySetException(error);
        Dispose();
    }

    public void Cancel(CancellationToken token = default)
    {
        _completion.TrySetCanceled(token);
        Dispose();
    }

    public void Dispose()
    {
        WakeOnCancel.Dispose();
        Sampler?.Dispose();
    }
}

/// <param name="Text">The kept generated tokens, detokenized (empty without generation).</param>
/// <param name="GeneratedTokens">Tokens kept: a program may stop generation before the last ones.</param>
internal sealed record SequenceResult(string Text, int GeneratedTokens, GenerationStopReason StopReason)
{
    public static SequenceResult None { get; } = new("", 0, GenerationStopReason.EndOfGeneration);
}
