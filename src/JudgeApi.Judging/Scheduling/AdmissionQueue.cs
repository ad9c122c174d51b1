using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// Admission: jobs wait here for a free sequence, interactive before background and in arrival order within each.
/// A job for other weights than the context holds waits at the head of its queue until every sequence is idle (see
/// <see cref="AdapterSwitch"/>); a cancelled one is dropped as it reaches the head.
/// </summary>
internal sealed class AdmissionQueue(AdapterSwitch adapters, PromptSharing sharing)
{
    private readonly Lock _gate = new();
    private readonly Queue<SequenceJob> _interactive = new();
    private readonly Queue<SequenceJob> _background = new();

    public int Count
    {
        get
        {
            lock (_gate)
                return _interactive.Count + _background.Count;
        }
    }

    public void Add(IReadOnlyList<SequenceJob> jobs)
    {
        lock (_gate)
        {
            foreach (var job in jobs)
                (job.Priority == SequencePriority.Interactive ? _interactive : _background).Enqueue(job);
        }
    }

    /// <summary>
    /// Starts queued jobs in the idle slots, in slot order, while the next job may start. The queues stay locked for the
    /// whole pass, so jobs added together (one request's samples, both orders) start in the same step when enough
    /// sequences are free, and a repeated request decodes identically.
    /// </summary>
    public void AdmitInto(IReadOnlyList<Slot> slots)
    {
        lock (_gate)
        {
            foreach (var slot in slots.Where(s => s.State == SlotState.Idle))
            {
                if (NextAdmissible(slots) is not { } job)
                    return;
                slot.Start(job, sharing.LeaderFor(job, slots));
            }
        }
    }

    /// <summary>Cancels every queued job: the scheduler is stopping.</summary>
    public void CancelAll()
    {
        while (TryDequeue(out var job))
            job.Cancel();
    }

    private bool TryDequeue(out SequenceJob job)
    {
        lock (_gate)
            return _interactive.TryDequeue(out job!) || _background.TryDequeue(out job!);
    }

    /// <summary>The next job that may start now, dequeued, or null.</summary>
    private SequenceJob? NextAdmissible(IReadOnlyList<Slot> slots)
    {
        while ((_interactive.Count > 0 ? _interactive : _background.Count > 0 ? _background : null) is { } queue)
        {
            var next = queue.Peek();
            if (next.CancellationToken.IsCancellationRequested)
            {
                queue.Dequeue();
                next.Cancel(next.CancellationToken);
                continue;
            }
            try
            {
                if (!adapters.TryUse(next.Adapter, sequencesIdle: slots.All(s => s.State == SlotState.Idle)))
                    return null;
            }
            catch (Exception ex) when (ex is LlamaException or ObjectDisposedException)
            {
                queue.Dequeue();
                next.Fail(ex);
                continue;
            }
            return queue.Dequeue();
        }
        return null;
    }
}
