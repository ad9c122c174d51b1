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
    /// after them; the logits after the last of these go to <see cref="ReadLogits"/>. A null input: the job ends with
    /// its generation, nothing more is decoded.
    /// </summary>
    (int Keep, int[]? Input) End(Generation generation, int keep);

    /// <summary>
    /// Positions after the prompt that generation and <see cref="End"/>'s input can fill together (at least the job's
    /// token cap): the KV cells a generating job reserves beyond its prompt.
    /// </summary>
    int Room { get; }

    /// <summary>The logits after <see cref="End"/>'s input (a job without a sampler: after its prompt); the job ends.</summary>
    void ReadLogits(ReadOnlySpan<float> logits);

    /// <summary>Each sampled token (end of generation aside) with the logits it was sampled from, before <see cref="StopAfter"/>.</summary>
    void Sampled(int token, ReadOnlySpan<float> logits)
    {
    }
}
