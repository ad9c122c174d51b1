using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// A batched executor (after LLamaSharp's <c>BatchedExecutor</c> and llama.cpp's server slots), sole owner of one
/// <see cref="LlamaContext"/>: a dedicated thread admits queued jobs into free sequences (<see cref="AdmissionQueue"/>),
/// decodes one batch per step (<see cref="BatchPlanner"/>) and moves on each sequence whose input was decoded
/// (<see cref="SlotAdvancer"/>, <see cref="PromptSharing"/>) until its job ends. It knows tokens, not what they mean:
/// that is each job's <see cref="ISequenceProgram"/>.
/// </summary>
internal sealed class SequenceScheduler : IDisposable
{
    private readonly LlamaContext _context;
    private readonly ISchedulerObserver _observer;
    private readonly Slot[] _slots;
    private readonly PromptSharing _sharing;
    private readonly PrefixCache? _prefixes;
    private readonly KeptPrompts? _kept;
    private readonly AdmissionQueue _admission;
    private readonly BatchPlanner _planner;
    private readonly SlotAdvancer _advancer;
    private readonly LlamaBatch _batch;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <param name="appliedAdapter">The adapter already set on <paramref name="context"/>, if any.</param>
    public SequenceScheduler(LlamaContext context, ISchedulerObserver observer, SchedulerOptions options, LoraAdapter? appliedAdapter = null)
    {
        if (options.Sequences < 1 || options.Sequences > context.SequenceCount || options.ReservedForInteractive >= options.Sequences)
            throw new ArgumentOutOfRangeException(nameof(options), options, $"The context holds {context.SequenceCount} sequences.");
        _context = context;
        _observer = observer;
        _slots = Enumerable.Range(0, options.Sequences).Select(i => new Slot(i)).ToArray();
        _sharing = new PromptSharing(context, observer, context.KvUnified ? options.SharedPrefixTokens : 0);
        if (options.PrefixCacheTokens > 0 && context.KvUnified && context.SequenceCount > options.Sequences)
            _prefixes = new PrefixCache(context, Enumerable.Range(options.Sequences, context.SequenceCount - options.Sequences), options.PrefixCacheTokens);
        if (options.KeepPrompts && !context.KvUnified)
            _kept = new KeptPrompts(context, observer);
        _admission = new AdmissionQueue(new AdapterSwitch(context, appliedAdapter), _sharing, options, _prefixes,
            context.KvUnified ? context.ContextSize : null);
        _planner = new BatchPlanner(options.ReproducibleBackground);
        _advancer = new SlotAdvancer(context, observer);
        _batch = new LlamaBatch(context.BatchSize);
        _thread = new Thread(Run) { IsBackground = true, Name = "judge-scheduler" };
        _thread.Start();
    }

    /// <summary>Jobs waiting for a sequence.</summary>
    public int Waiting => _admission.Count;

    /// <summary>Jobs holding a sequence.</summary>
    public int Active => _slots.Count(s => s.State != SlotState.Idle);

    /// <summary>
    /// Queues jobs together: they are admitted in one step when enough sequences are free, so the sequences of
    /// one request (samples, both orders) start in the same batch and a repeated request decodes identically.
    /// </summary>
    public Task<SequenceResult>[] Enqueue(IReadOnlyList<SequenceJob> jobs)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var job in jobs)
        {
            job.QueuedAt = now;
            job.WakeOnCancel = job.CancellationToken.Register(Wake);
        }
        _admission.Add(jobs);
        Wake();
        return jobs.Select(j => j.Completion).ToArray();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
            _wake.Release();
    }

    private void Run()
    {
        while (!_stopping)
        {
            // Cancelled jobs go right before the step; a job admitted to wait on a cancelled one's prompt then decodes it itself.
            _admission.AdmitInto(_slots, _kept);
            ReportStarted();
            DropCancelled();
            if (_slots.All(s => s.State == SlotState.Idle))
            {
                _wake.Wait(TimeSpan.FromSeconds(1));
                continue;
            }
            Step();
        }
        foreach (var slot in _slots.Where(s => s.State != SlotState.Idle))
            Finish(slot, job => job.Cancel());
        _admission.CancelAll();
    }

    private void ReportStarted()
    {
        foreach (var slot in _slots)
        {
            if (slot.Job is { StartedAt: 0 } job)
            {
                job.StartedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                _observer.JobStarted(System.Diagnostics.Stopwatch.GetElapsedTime(job.QueuedAt, job.StartedAt), job.Priority);
            }
        }
    }

    private void DropCancelled()
    {
        foreach (var slot in _slots)
        {
            if (slot.Job is { CancellationToken.IsCancellationRequested: true } job)
                Finish(slot, j => j.Cancel(job.CancellationToken));
        }
    }

    /// <summary>One decode; every job sampling from its logits draws at once; then every slot whose logits it produced moves on.</summary>
    private void Step()
    {
        var live = _planner.Fill(_batch, _slots);
        if (_batch.Count == 0)
            return;

        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _context.Decode(_batch);
            _observer.Decoded(System.Diagnostics.Stopwatch.GetElapsedTime(started), _batch.Count, live);
        }
        catch (LlamaException ex)
        {
            foreach (var slot in _slots.Where(s => s.State != SlotState.Idle))
                Finish(slot, job => job.Fail(ex));
            return;
        }

        var decoded = _slots.Where(s => s.LogitsIndex >= 0).ToList();
        _advancer.SampleAll(decoded);
        foreach (var slot in decoded)
        {
            var index = slot.TakeLogitsIndex();
            if (slot.State == SlotState.Prefilling)
                PromptDecoded(slot);
            // Followers first: the leader may finish (and drop its tokens) in its own advance. One that shares only a
            // prefix decodes the rest of its prompt from the next step on.
            foreach (var follower in slot.TakeFollowers())
            {
                if (follower.SharesWholePrompt)
                    AdvanceOrFail(follower, index, () => _sharing.Copy(slot, follower));
                else
                    FailOnError(follower, () => _sharing.Copy(slot, follower));
            }
            AdvanceOrFail(slot, index);
        }
    }

    /// <summary>The slot's whole prompt is in its sequence: it goes into the prefix cache, and a copied prefix counts as a hit.</summary>
    private void PromptDecoded(Slot slot)
    {
        if (_prefixes is null)
            return;
        if (slot.Prefix is { } copied)
            _observer.PrefixCacheHit(copied.End);
        _prefixes.Add(slot.Job!.Adapter, slot.Job.Prompt, slot.Sequence);
    }

    private void AdvanceOrFail(Slot slot, int index, Action? before = null) => FailOnError(slot, () =>
    {
        before?.Invoke();
        if (_advancer.Advance(slot, index) is { } result)
            Finish(slot, job => job.Succeed(result), succeeded: true);
    });

    /// <summary>A llama.cpp error fails only this slot's job.</summary>
    private void FailOnError(Slot slot, Action action)
    {
        try
        {
            action();
        }
        catch (LlamaException ex)
        {
            Finish(slot, job => job.Fail(ex));
        }
    }

    /// <summary>
    /// Empties the slot's sequence (or keeps a succeeded job's prompt in it, <see cref="KeptPrompts"/>), then ends its
    /// job (<paramref name="end"/> completes and releases it).
    /// </summary>
    private void Finish(Slot slot, Action<SequenceJob> end, bool succeeded = false)
    {
        var job = slot.Job!;
        _sharing.Leave(slot);
        if (slot.Prefix is { } prefix)
            _prefixes!.Unpin(prefix);
        if (_kept is null)
            _context.RemoveTokens(slot.Sequence);
        else if (succeeded)
            _kept.Keep(slot);
        else
            _kept.Forget(slot);
        slot.Reset();
        end(job);
    }

    public void Dispose()
    {
        _stopping = true;
        Wake();
        _thread.Join();
        _batch.Dispose();
        _wake.Dispose();
    }
}
