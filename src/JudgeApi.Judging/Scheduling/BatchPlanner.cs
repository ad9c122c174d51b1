using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// What each decode takes (continuous batching): interactive sequences first, then background ones fill the rest of
/// the batch; within a priority the pending single tokens of generating sequences first, then prompt chunks and
/// forced input oldest job first, so nobody waits behind a job that arrived after it.
/// With <see cref="SchedulerOptions.ReproducibleBackground"/> a background sequence is decoded alone instead, in chunks
/// that depend only on its own tokens: llama.cpp's CPU kernels pick their matmul path and accumulation order by batch
/// shape, so this makes background results bit-identical whatever else runs (a resumed self-taught iteration then
/// repeats an uninterrupted one). Background sequences then take turns (round robin), and every other step while
/// interactive work runs, so neither side starves.
/// </summary>
internal sealed class BatchPlanner(bool reproducibleBackground)
{
    private bool _lastStepWasBackground;
    private int _lastBackgroundSequence = -1;

    /// <summary>Clears <paramref name="batch"/> and fills it with the pending tokens of the next step's slots.</summary>
    /// <returns>Whether the batch holds interactive tokens.</returns>
    public bool Fill(LlamaBatch batch, IReadOnlyList<Slot> slots)
    {
        batch.Clear();
        var live = false;
        foreach (var slot in NextStep(slots))
        {
            if (batch.Count == batch.Capacity)
                break;
            live |= slot.Job!.Priority == SequencePriority.Interactive;
            slot.AddPendingTo(batch);
        }
        return live;
    }

    private IEnumerable<Slot> NextStep(IReadOnlyList<Slot> slots)
    {
        if (!reproducibleBackground)
            return InTurn(slots.Where(s => s.PendingCount > 0));

        var interactive = slots.Where(s => s.Job?.Priority == SequencePriority.Interactive && s.PendingCount > 0).ToList();
        var background = slots.Where(s => s.Job?.Priority == SequencePriority.Background && s.PendingCount > 0).ToList();
        var backgroundStep = background.Count > 0 && (interactive.Count == 0 || !_lastStepWasBackground);
        _lastStepWasBackground = backgroundStep;
        if (!backgroundStep)
            return InTurn(interactive);
        var next = background.FirstOrDefault(s => s.Sequence > _lastBackgroundSequence) ?? background[0];
        _lastBackgroundSequence = next.Sequence;
        return [next];
    }

    private static IEnumerable<Slot> InTurn(IEnumerable<Slot> pending) =>
        pending.OrderBy(s => s.Job!.Priority).ThenBy(s => s.State != SlotState.Generating).ThenBy(s => s.Job!.Arrival);
}
