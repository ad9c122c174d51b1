namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// The caller's part of a job (after LLamaSharp's <c>Conversation</c>, where the caller decides what to do with each
/// step): when generation should stop, what to force after it and what to make of the logits then. The scheduler
/// calls it on its own thread only, and knows nothing of what the text means.
/// </summary>
internal interface ISequenceProgram
{
    /// <summary>Asked after each sampled token (end of generation aside) is added to <paramref name="generation"/>.</summary>
    /// <returns>null to go on; else generation ends, keeping that many of the tokens generated so far.</returns>
    int? StopAfter(Generation generation);

    /// <summary>
    /// Asked once generation has ended, with <paramref name="keep"/> of the generated tokens kept (all of them, or what
    /// <see cref="StopAfter"/> said): how many stay in the sequence (at most <paramref name="keep"/>) and what is decoded
    /// after them (at least one token); the logits after the last of these go to <see cref="ReadLogits"/>.
    /// </summary>
    (int Keep, int[] Input) End(Generation generation, int keep);

    /// <summary>The logits after <see cref="End"/>'s input (a job without a sampler: after its prompt); the job ends.</summary>
    void ReadLogits(ReadOnlySpan<float> logits);
}
