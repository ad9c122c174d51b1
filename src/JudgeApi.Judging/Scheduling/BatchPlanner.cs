using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// What each decode takes. Interactive sequences share one batch, for throughput (continuous batching): pending single
/// tokens first, then prompt chunks as room allows. A background sequence is decoded alone, in chunks that depend only
/// on its own tokens: llama.cpp's CPU kernels pick their matmul path and accumulation order by batch shape, so this is
/// what makes background results bit-identical whatever else runs, and lets a resumed self-taught iteration repeat an
/// uninterrupted one. Background sequences take turns (round robin), and take every other step while interactive work
/// runs, so neither side starves.
/// </summary>
internal sealed class BatchPlanner
{
    private bool _lastStepWasBackground;
    private int _lastBackgroundSequence = -1;

    /// <summary>Clears <paramref name="batch"/> and fills it with the pending tokens of the next step's slots.</summary>
    public void Fill(LlamaBatch batch, IReadOnlyList<Slot> slots)
    {
        batch.Clear();
        foreach (var slot in NextStep(slots))
        {
            if (batch.Count == batch.Capacity)
                break;
            slot.AddPendingTo(batch);
        }
    }

    private IEnumerable<Slot> NextStep(IReadOnlyList<Slot> slots)
    {
        var interactive = slots.Where(s => s.Job?.Priority == SequencePriority.Interactive && s.PendingCount > 0).ToList();
        var background = slots.Where(s => s.Job?.Priority == SequencePriority.Background && s.PendingCount > 0).ToList();
        var backgroundStep = background.Count > 0 && (interactive.Count == 0 || !_lastStepWasBackground);
        _lastStepWasBackground = backgroundStep;
        if (!backgroundStep)
            return interactive.OrderBy(s => s.PendingCount > 1);
        var next = background.FirstOrDefault(s => s.Sequence > _lastBackgroundSequence) ?? background[0];
        _lastBackgroundSequence = next.Sequence;
        return [next];
    }
}
