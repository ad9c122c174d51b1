using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// Prompt reuse when every sequence has a KV stream of its own (llama-server's <c>cache_prompt</c> and its prompt
/// cache): a sequence whose job succeeded keeps its prompt's cells, and a job goes to the idle sequence whose kept
/// prompt, on the same weights, starts like its own for the most tokens; it decodes only the rest. When another
/// sequence (idle or running) holds a longer prefix by at least <see cref="MinCopiedGain"/> tokens, the job takes
/// the idle sequence kept longest unused and copies that one's stream into it (llama.cpp copies only whole streams:
/// ContextSize cells, a few MB on small models, against decoding the prefix), then drops what follows the prefix.
/// Judge prompts all start with the rubric, so that is most of every prompt.
/// </summary>
internal sealed class KeptPrompts(LlamaContext context, ISchedulerObserver observer)
{
    /// <summary>More tokens than the chosen slot already holds that make a whole-stream copy worth its bytes.</summary>
    public const int MinCopiedGain = 32;

    private readonly Dictionary<int, Kept> _kept = [];
    private long _uses;

    private sealed record Kept(int[] Tokens, LoraAdapter? Adapter, long LastUse);

    /// <summary>Where <paramref name="job"/> starts: an idle slot, the prompt tokens it will hold, and the slot to copy them from (null: its own).</summary>
    public readonly record struct Choice(Slot Slot, int Reused, Slot? CopyFrom);

    /// <summary>
    /// The idle slot for <paramref name="job"/> and the longest prefix of its prompt it can start with (at least its
    /// last token is left to decode, for the logits that start it); for a job that will copy another's whole prompt
    /// (<paramref name="copies"/>), the idle slot whose kept prompt is worth least.
    /// </summary>
    public Choice Choose(IReadOnlyList<Slot> slots, IReadOnlyList<Slot> idle, SequenceJob job, bool copies)
    {
        var leastUsed = idle.MinBy(s => _kept.GetValueOrDefault(s.Sequence)?.LastUse ?? long.MinValue)!;
        if (copies)
            return new Choice(leastUsed, 0, null);
        (Slot Slot, int Reused) own = (leastUsed, 0), any = (leastUsed, 0);
        foreach (var slot in slots)
        {
            var reused = Math.Min(Held(slot, job.Adapter).CommonPrefixLength(job.Prompt), job.Prompt.Length - 1);
            if (idle.Contains(slot) && reused > own.Reused)
                own = (slot, reused);
            if (reused > any.Reused)
                any = (slot, reused);
        }
        return any.Reused >= own.Reused + MinCopiedGain && any.Slot != leastUsed
            ? new Choice(leastUsed, any.Reused, any.Slot)
            : new Choice(own.Slot, own.Reused, null);
    }

    /// <summary>The slot's sequence holds <paramref name="choice"/>'s prefix, and nothing after it, for a job that starts after it.</summary>
    public void Reuse(Choice choice)
    {
        var sequence = choice.Slot.Sequence;
        if (choice.CopyFrom is { } source)
        {
            context.CopySequence(source.Sequence, sequence);
            observer.PromptTokensCopied(choice.Reused);
        }
        else if (choice.Reused > 0)
            observer.PrefixCacheHit(choice.Reused);
        context.RemoveTokens(sequence, choice.Reused);
        _kept.Remove(sequence);
    }

    /// <summary>The slot's job succeeded: its sequence keeps the prompt (what the job generated after it goes).</summary>
    public void Keep(Slot slot)
    {
        var job = slot.Job!;
        context.RemoveTokens(slot.Sequence, job.Prompt.Length);
        _kept[slot.Sequence] = new Kept(job.Prompt, job.Adapter, ++_uses);
    }

    /// <summary>The slot's sequence is emptied: its job failed or was cancelled, so what its cells hold is not known to be a whole prompt.</summary>
    public void Forget(Slot slot)
    {
        context.RemoveTokens(slot.Sequence);
        _kept.Remove(slot.Sequence);
    }

    /// <summary>
    /// The prompt tokens the slot's sequence holds decoded with <paramref name="adapter"/>: its kept prompt, or a
    /// running job's prompt as far as it is decoded (a job started in this admission pass holds what it reused; a
    /// stream copy queued now is made at the next decode, after the copies queued before it).
    /// </summary>
    private ReadOnlySpan<int> Held(Slot slot, LoraAdapter? adapter) => slot switch
    {
        { State: SlotState.Idle } when _kept.GetValueOrDefault(slot.Sequence) is { } kept && kept.Adapter == adapter => kept.Tokens,
        { State: SlotState.Prefilling, Job: { } job } when job.Adapter == adapter => job.Prompt.AsSpan(0, Math.Min(slot.Position, job.Prompt.Length)),
        { State: SlotState.Generating or SlotState.ReadingLogits, Job: { } job } when job.Adapter == adapter => job.Prompt,
        _ => [],
    };
}
