using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// Prompt sharing (the N judgments of a pair share two prompts): a job admitted while another sequence is still
/// decoding exactly its prompt, on the same weights and at the same priority, waits for that leader and then takes a
/// copy of its KV cache instead of decoding the prompt again. The copy holds the bytes the job's own decode would
/// have written, since a prompt always starts in an empty sequence, so results do not depend on whether a job shared.
/// With a unified KV cache a job also waits for a leader whose prompt starts like its own for at least
/// <paramref name="minSharedTokens"/> more tokens than any cached prefix (a pair's other order: the rubric and the
/// instruction), copies that part, and decodes the rest: like a prefix-cache hit on a prompt not cached yet.
/// </summary>
/// <param name="minSharedTokens">0: only exact prompts are shared.</param>
internal sealed class PromptSharing(LlamaContext context, ISchedulerObserver observer, int minSharedTokens = 0)
{
    /// <summary>Whether a job may follow a leader that shares only a prefix of its prompt.</summary>
    public bool SharesPrefixes => minSharedTokens > 0;

    /// <summary>
    /// The slot whose prompt decode <paramref name="job"/> should wait for, and how many of its prompt's tokens that
    /// one shares; null: it decodes its prompt itself, after the <paramref name="cachedTokens"/> it can copy from the cache.
    /// </summary>
    public (Slot Leader, int Shared)? LeaderFor(SequenceJob job, IEnumerable<Slot> slots, int cachedTokens)
    {
        (Slot, int)? best = null;
        // At least the prompt's last token is decoded by a partial follower: its logits start the job.
        var enough = cachedTokens + Math.Max(minSharedTokens, 1);
        foreach (var slot in slots)
        {
            if (slot is not { State: SlotState.Prefilling, Job: { } other } || other.Priority != job.Priority || other.Adapter != job.Adapter)
                continue;
            if (other.Prompt.AsSpan().SequenceEqual(job.Prompt))
                return (slot, job.Prompt.Length);
            var shared = Math.Min(other.Prompt.AsSpan().CommonPrefixLength(job.Prompt), job.Prompt.Length - 1);
            if (SharesPrefixes && shared >= enough && shared > (best?.Item2 ?? 0))
                best = (slot, shared);
        }
        return best;
    }

    /// <summary>
    /// The leader's prompt is decoded: the follower takes a copy of the part they share, as if it had decoded it
    /// itself; one sharing the whole prompt moves on with the leader's logits, another decodes the rest of its prompt.
    /// </summary>
    public void Copy(Slot leader, Slot follower)
    {
        var shared = follower.SharedTokens;
        if (follower.SharesWholePrompt)
        {
            context.CopySequence(leader.Sequence, follower.Sequence);
            follower.PromptCopied(shared);
        }
        else
        {
            context.CopySequence(leader.Sequence, follower.Sequence, 0, shared);
            follower.PrefixCopied(shared);
        }
        observer.PromptTokensCopied(shared);
    }

    /// <summary>A slot's job leaves: jobs waiting on its prompt decode it themselves, and a follower stops waiting.</summary>
    public void Leave(Slot slot)
    {
        foreach (var follower in slot.TakeFollowers())
            follower.DecodeOwnPrompt();
        slot.Leader?.RemoveFollower(slot);
    }
}
