using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// Prompt sharing (the N judgments of a pair share two prompts): a job admitted while another sequence is still
/// decoding exactly its prompt, on the same weights and at the same priority, waits for that leader and then takes a
/// copy of its KV cache instead of decoding the prompt again. The copy holds the bytes the job's own decode would
/// have written, since a prompt always starts in an empty sequence, so results do not depend on whether a job shared.
/// </summary>
internal sealed class PromptSharing(LlamaContext context, ISchedulerObserver observer)
{
    /// <summary>The slot whose prompt decode <paramref name="job"/> should wait for; null: it decodes its prompt itself.</summary>
    public Slot? LeaderFor(SequenceJob job, IEnumerable<Slot> slots) => slots.FirstOrDefault(s =>
        s is { State: SlotState.Prefilling, Job: { } other } && other.Priority == job.Priority && other.Adapter == job.Adapter
        && other.Prompt.AsSpan().SequenceEqual(job.Prompt));

    /// <summary>The leader's prompt is decoded: the follower takes a copy, as if it had decoded it itself.</summary>
    public void Copy(Slot leader, Slot follower)
    {
        context.CopySequence(leader.Sequence, follower.Sequence);
        follower.PromptCopied(leader.Position);
        observer.PromptTokensCopied(leader.Position);
    }

    /// <summary>A slot's job leaves: jobs waiting on its prompt decode it themselves, and a follower stops waiting.</summary>
    public void Leave(Slot slot)
    {
        foreach (var follower in slot.TakeFollowers())
            follower.DecodeOwnPrompt();
        slot.Leader?.RemoveFollower(slot);
    }
}
