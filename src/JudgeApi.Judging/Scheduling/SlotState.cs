namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// What one sequence of the context is doing (after llama.cpp's <c>tools/server</c> <c>SLOT_STATE_*</c>). Every
/// state but <see cref="Idle"/> holds a job; <see cref="Slot"/> owns the transitions:
/// <code>
/// Idle -> Prefilling -> Generating (one token a step) -> ReadingLogits -> Idle
/// Idle -> WaitingForLeader -> Prefilling (the leader's prompt copied, or decoded here when the leader leaves first)
/// </code>
/// A job without a sampler reads its logits right after its prompt; one without a program ends when its generation
/// does. Finishing, failing or cancelling a job returns its slot to <see cref="Idle"/> from any state.
/// </summary>
internal enum SlotState
{
    /// <summary>No job: the sequence is empty and may admit one.</summary>
    Idle,

    /// <summary>Another sequence is decoding this job's exact prompt; nothing is pending until its KV cache is copied here.</summary>
    WaitingForLeader,

    /// <summary>The prompt is being decoded, in chunks as batch room allows.</summary>
    Prefilling,

    /// <summary>The last sampled token is pending; its logits give the next one.</summary>
    Generating,

    /// <summary>Generation has ended and the job's forced input is pending; the logits after it go to the job's program.</summary>
    ReadingLogits,
}
