namespace JudgeApi.Judging.Scheduling;

/// <summary>Counts what the scheduler does, for metrics; called on the scheduler's thread.</summary>
internal interface ISchedulerObserver
{
    /// <summary>Tokens sampled (end-of-generation tokens aside).</summary>
    void TokensGenerated(int count);

    /// <summary>Prompt tokens a sequence copied from another one's KV cache instead of decoding them.</summary>
    void PromptTokensCopied(int count);

    /// <summary>A job got a sequence after waiting <paramref name="queued"/> since it was queued.</summary>
    void JobStarted(TimeSpan queued, SequencePriority priority)
    {
    }

    /// <summary>One decode of <paramref name="tokens"/> tokens took <paramref name="elapsed"/>; <paramref name="live"/>: some were interactive.</summary>
    void Decoded(TimeSpan elapsed, int tokens, bool live)
    {
    }

    /// <summary>A job's prompt started with a cached prefix of <paramref name="tokens"/> tokens, copied instead of decoded.</summary>
    void PrefixCacheHit(int tokens);
}
