using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// Admission: jobs wait here for a free sequence, interactive before background and in arrival order within each.
/// The head of a queue waits while its KV cells do not fit (cached prefixes are evicted first to make room), while a
/// background job would take a sequence kept for live work, and, for other weights than the context holds, until
/// every sequence is idle (see <see cref="AdapterSwitch"/>); a cancelled job is dropped as it reaches the head.
/// </summary>
/// <param name="kvCells">KV cells the sequences share (a unified KV cache); null: each sequence has its own.</param>
internal sealed class AdmissionQueue(AdapterSwitch adapters, PromptSharing sharing, SchedulerOptions options, PrefixCache? cache = null,
    int? kvCells = null)
{
    private readonly Lock _gate = new();
    private readonly Queue<SequenceJob> _interactive = new();
    private readonly Queue<SequenceJob> _background = new();
    private long _arrivals;

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
            {
                job.Arrival = _arrivals++;
                (job.Priority == SequencePriority.Interactive ? _interactive : _background).Enqueue(job);
            }
        }
    }

    /// <summary>
    /// Starts queued jobs in the idle slots while the next job may start: each copies its longest cached prefix, or
    /// waits for a slot decoding its exact prompt or a longer prefix of it than the cache holds
    /// (<see cref="PromptSharing"/>); with <paramref name="kept"/> (a KV stream per sequence) each goes where
    /// <see cref="KeptPrompts.Choose"/> says, else to the first idle slot. The queues stay locked for the whole
    /// pass, so jobs added together (one request's samples, both orders) start in the same step when enough
    /// sequences are free.
    /// </summary>
    public void AdmitInto(IReadOnlyList<Slot> slots, KeptPrompts? kept = null)
    {
        lock (_gate)
        {
            var idle = slots.Where(s => s.State == SlotState.Idle).ToList();
            while (idle.Count > 0 && NextAdmissible(slots) is { } job)
            {
                // At least the prompt's last token is decoded: its logits start the job.
                // Only prefix sharing needs the cached length before choosing; exact sharing wins whatever is cached.
                var cached = sharing.SharesPrefixes ? cache?.LongestPrefixLength(job.Adapter, job.Prompt, job.Prompt.Length - 1) ?? 0 : 0;
                var leader = sharing.LeaderFor(job, slots, cached);
                var choice = kept?.Choose(slots, idle, job, copies: leader is not null) ?? new KeptPrompts.Choice(idle[0], 0, null);
                var slot = choice.Slot;
                idle.Remove(slot);
                kept?.Reuse(choice);
                if (leader is var (leading, shared))
                    slot.Start(job, leading, shared: shared);
                else if (kept is not null)
                    slot.Start(job, null, reused: choice.Reused);
                else
                    slot.Start(job, null, cache?.CopyLongestPrefix(job.Adapter, job.Prompt, job.Prompt.Length - 1, slot.Sequence));
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
            if (next.Priority == SequencePriority.Background
                && slots.Count(s => s.Job?.Priority == SequencePriority.Background) >= options.Sequences - options.ReservedForInteractive)
                return null;
            if (!CellsFit(next, slots))
                return null;
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

    /// <summary>Whether the job's cells fit beside every running job's and the cached prefixes, evicting prefixes if that makes room.</summary>
    private bool CellsFit(SequenceJob job, IReadOnlyList<Slot> slots)
    {
        if (kvCells is not { } total)
            return true;
        var free = total - slots.Sum(s => s.ReservedCells) - job.Cells;
        return cache is null ? free >= 0 : free >= cache.Tokens || cache.TryShrinkTo(free);
    }
}
