using System.Text;
using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// Sole owner of one <see cref="LlamaContext"/>: a dedicated thread admits jobs into free sequences (interactive
/// before background) and decodes interactive sequences together in one batch per step (continuous batching:
/// prompt chunks of newly admitted jobs ride along with the single next tokens of the ones generating); background
/// sequences are decoded one at a time, so their results are reproducible (see <see cref="StepSlots"/>).
/// </summary>
internal sealed class SequenceScheduler : IDisposable
{
    private const string VerdictMarker = JudgePrompt.VerdictOpen;

    private readonly LlamaContext _context;
    private readonly VerdictTokens _reasoningVerdict;
    private readonly VerdictTokens _directVerdict;
    private readonly JudgeMetrics _metrics;
    private readonly Lock _queueGate = new();
    private readonly Queue<SequenceJob> _interactive = new();
    private readonly Queue<SequenceJob> _background = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Slot[] _slots;
    private readonly LlamaBatch _batch;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private LoraAdapter? _appliedAdapter;
    private bool _lastStepWasBackground;
    private int _lastBackgroundSequence = -1;

    /// <param name="appliedAdapter">The adapter already set on <paramref name="context"/>, if any.</param>
    public SequenceScheduler(LlamaContext context, VerdictTokens reasoningVerdict, VerdictTokens directVerdict, JudgeMetrics metrics,
        LoraAdapter? appliedAdapter = null)
    {
        _context = context;
        _appliedAdapter = appliedAdapter;
        _reasoningVerdict = reasoningVerdict;
        _directVerdict = directVerdict;
        _metrics = metrics;
        _slots = Enumerable.Range(0, context.SequenceCount).Select(i => new Slot(i)).ToArray();
        _batch = new LlamaBatch(context.BatchSize);
        _thread = new Thread(Run) { IsBackground = true, Name = "judge-scheduler" };
        _thread.Start();
    }

    /// <summary>Jobs waiting for a sequence.</summary>
    public int Waiting
    {
        get
        {
            lock (_queueGate)
                return _interactive.Count + _background.Count;
        }
    }

    /// <summary>Jobs holding a sequence.</summary>
    public int Active => _slots.Count(s => s.Job is not null);

    /// <summary>
    /// Queues jobs together: they are admitted in one step when enough sequences are free, so the sequences of
    /// one request (samples, both orders) start in the same batch and a repeated request decodes identically.
    /// </summary>
    public Task<SequenceOutcome>[] Enqueue(IReadOnlyList<SequenceJob> jobs)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        foreach (var job in jobs)
            job.WakeOnCancel = job.CancellationToken.Register(Wake);
        lock (_queueGate)
        {
            foreach (var job in jobs)
                (job.Priority == WorkPriority.Interactive ? _interactive : _background).Enqueue(job);
        }
        Wake();
        return jobs.Select(j => j.Completion.Task).ToArray();
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
            Admit();
            DropCancelled();
            if (_slots.All(s => s.Job is null))
            {
                _wake.Wait(TimeSpan.FromSeconds(1));
                continue;
            }
            Step();
        }
        foreach (var slot in _slots.Where(s => s.Job is not null))
            Finish(slot, job => job.Completion.TrySetCanceled());
        while (TryDequeue(out var job))
        {
            job.Completion.TrySetCanceled();
            job.Dispose();
        }
    }

    private bool TryDequeue(out SequenceJob job)
    {
        lock (_queueGate)
            return _interactive.TryDequeue(out job!) || _background.TryDequeue(out job!);
    }

    private void DropCancelled()
    {
        foreach (var slot in _slots)
        {
            if (slot.Job is { CancellationToken.IsCancellationRequested: true } job)
                Finish(slot, j => j.Completion.TrySetCanceled(job.CancellationToken));
        }
    }

    private void Admit()
    {
        lock (_queueGate)
        {
            foreach (var slot in _slots.Where(s => s.Job is null))
            {
                if (NextAdmissible() is not { } job)
                    return;
                slot.Start(job, PrefillingSamePrompt(job));
            }
        }
    }

    /// <summary>
    /// An active sequence still decoding exactly this job's prompt, on the same weights and at the same priority: the
    /// job waits for it and then takes a copy of its KV cache instead of decoding the prompt again (the N judgments of
    /// a pair share two prompts). The copy holds the bytes the job's own decode would have written, since a prompt
    /// always starts in an empty sequence, so results do not depend on whether the job shared.
    /// </summary>
    private Slot? PrefillingSamePrompt(SequenceJob job) => _slots.FirstOrDefault(s =>
        s.Job is { } other && s.Leader is null && other.Priority == job.Priority && other.Adapter == job.Adapter
        && s.Position < other.Prompt.Length && other.Prompt.AsSpan().SequenceEqual(job.Prompt));

    /// <summary>
    /// The next job that may start now, dequeued, or null. A job for other weights than the context holds waits until
    /// every sequence is idle: adapters are switched only between batches, so running work keeps the weights it started on.
    /// </summary>
    private SequenceJob? NextAdmissible()
    {
        while ((_interactive.Count > 0 ? _interactive : _background.Count > 0 ? _background : null) is { } queue)
        {
            var next = queue.Peek();
            if (next.CancellationToken.IsCancellationRequested)
            {
                queue.Dequeue();
                next.Completion.TrySetCanceled(next.CancellationToken);
                next.Dispose();
                continue;
            }
            if (next.Adapter != _appliedAdapter)
            {
                if (_slots.Any(s => s.Job is not null))
                    return null;
                try
                {
                    _context.SetLoraAdapters(next.Adapter is null ? [] : [(next.Adapter, 1f)]);
                    _appliedAdapter = next.Adapter;
                }
                catch (Exception ex) when (ex is LlamaException or ObjectDisposedException)
                {
                    queue.Dequeue();
                    next.Completion.TrySetException(ex);
                    next.Dispose();
                    continue;
                }
            }
            return queue.Dequeue();
        }
        return null;
    }

    /// <summary>One decode: every interactive sequence (pending single tokens first, then prompt chunks), or one background sequence alone.</summary>
    private void Step()
    {
        _batch.Clear();
        foreach (var slot in StepSlots())
        {
            var room = _batch.Capacity - _batch.Count;
            if (room == 0)
                break;
            var take = Math.Min(room, slot.PendingCount);
            for (var i = 0; i < take; i++)
            {
                var last = i == take - 1 && take == slot.PendingCount;
                var index = _batch.Add(slot.Pending[slot.PendingOffset + i], slot.Position + i, slot.Sequence, last);
                if (last)
                    slot.LogitsIndex = index;
            }
            slot.PendingOffset += take;
            slot.Position += take;
        }
        if (_batch.Count == 0)
            return;

        try
        {
            _context.Decode(_batch);
        }
        catch (LlamaException ex)
        {
            foreach (var slot in _slots.Where(s => s.Job is not null))
                Finish(slot, job => job.Completion.TrySetException(ex));
            return;
        }

        foreach (var slot in _slots.Where(s => s is { Job: not null, LogitsIndex: >= 0 }))
        {
            var index = slot.LogitsIndex;
            slot.LogitsIndex = -1;
            // Followers first: the leader may finish (and drop its tokens) in its own Advance.
            foreach (var follower in slot.TakeFollowers())
            {
                follower.Position = slot.Position;
                AdvanceOrFail(follower, index, () =>
                {
                    _context.CopySequence(slot.Sequence, follower.Sequence);
                    _metrics.PromptTokensCopied(slot.Position);
                });
            }
            AdvanceOrFail(slot, index);
        }
    }

    private void AdvanceOrFail(Slot slot, int index, Action? before = null)
    {
        try
        {
            before?.Invoke();
            Advance(slot, index);
        }
        catch (LlamaException ex)
        {
            Finish(slot, job => job.Completion.TrySetException(ex));
        }
    }

    /// <summary>
    /// The sequences of the next decode. Interactive sequences share one batch, for throughput. A background sequence
    /// is decoded alone, in chunks that depend only on its own tokens: llama.cpp's CPU kernels pick their matmul path
    /// and accumulation order by batch shape, so this is what makes background results bit-identical whatever else
    /// runs, and lets a resumed self-taught iteration repeat an uninterrupted one. Background sequences take turns
    /// (round robin), and take every other step while interactive work runs, so neither side starves.
    /// </summary>
    private IEnumerable<Slot> StepSlots()
    {
        var interactive = _slots.Where(s => s.Job?.Priority == WorkPriority.Interactive && s.PendingCount > 0).ToList();
        var background = _slots.Where(s => s.Job?.Priority == WorkPriority.Background && s.PendingCount > 0).ToList();
        var backgroundStep = background.Count > 0 && (interactive.Count == 0 || !_lastStepWasBackground);
        _lastStepWasBackground = backgroundStep;
        if (!backgroundStep)
            return interactive.OrderBy(s => s.PendingCount > 1);
        var next = background.FirstOrDefault(s => s.Sequence > _lastBackgroundSequence) ?? background[0];
        _lastBackgroundSequence = next.Sequence;
        return [next];
    }

    /// <summary>The slot's pending input is decoded and its logits are at <paramref name="index"/>.</summary>
    private void Advance(Slot slot, int index)
    {
        var job = slot.Job!;
        if (slot.ReadingVerdict || job.Kind == SequenceJobKind.Verdict)
        {
            var verdict = slot.ReadingVerdict ? _reasoningVerdict : _directVerdict;
            var p = verdict.ProbabilityA(_context.GetLogits(index));
            var outcome = new SequenceOutcome(slot.Reasoning, slot.ReasoningTokens, slot.StopReason, p);
            Finish(slot, j => j.Completion.TrySetResult(outcome));
            return;
        }

        var model = _context.Model;
        var token = job.Sampler!.Sample(_context, index);
        if (model.IsEndOfGeneration(token))
        {
            Stop(slot, slot.Generated.Count, GenerationStopReason.EndOfGeneration);
            return;
        }

        slot.TokenTextStart.Add(slot.Text.Length);
        slot.Generated.Add(token);
        slot.Text.Append(model.TokenToPiece(token));
        _metrics.TokensGenerated(1);

        if (job.Kind == SequenceJobKind.ReasonThenVerdict)
        {
            var searchFrom = Math.Max(0, slot.TokenTextStart[^1] - VerdictMarker.Length + 1);
            var marker = slot.Text.ToString(searchFrom, slot.Text.Length - searchFrom).IndexOf(VerdictMarker, StringComparison.Ordinal);
            if (marker >= 0)
            {
                // Keep the tokens that end before the marker; the forced lead writes the verdict.
                var markerAt = searchFrom + marker;
                var keep = slot.TokenTextStart.FindLastIndex(start => start <= markerAt);
                Stop(slot, keep, GenerationStopReason.EndOfGeneration);
                return;
            }
        }

        if (slot.Generated.Count >= job.MaxTokens)
        {
            Stop(slot, slot.Generated.Count, GenerationStopReason.MaxTokens);
            return;
        }
        slot.SetPending([token]);
    }

    /// <summary>Generation ends with the first <paramref name="keep"/> generated tokens.</summary>
    private void Stop(Slot slot, int keep, GenerationStopReason reason)
    {
        var job = slot.Job!;
        var model = _context.Model;
        var text = model.Detokenize(slot.Generated.ToArray().AsSpan(0, keep));
        if (job.Kind == SequenceJobKind.Generate)
        {
            var outcome = new SequenceOutcome(text, keep, reason, null);
            Finish(slot, j => j.Completion.TrySetResult(outcome));
            return;
        }

        // Rewind the sequence to the kept tokens, then feed any kept token not yet decoded and the verdict lead.
        var decoded = slot.Position - job.Prompt.Length;
        if (keep < decoded)
        {
            _context.RemoveTokens(slot.Sequence, job.Prompt.Length + keep);
            slot.Position = job.Prompt.Length + keep;
            decoded = keep;
        }
        slot.Reasoning = text.Trim();
        slot.ReasoningTokens = keep;
        slot.StopReason = reason;
        slot.ReadingVerdict = true;
        slot.SetPending([.. slot.Generated.Skip(decoded).Take(keep - decoded), .. _reasoningVerdict.Lead]);
    }

    private void Finish(Slot slot, Action<SequenceJob> complete)
    {
        var job = slot.Job!;
        // Jobs waiting on this prompt decode it themselves now; a follower leaves its leader's list.
        foreach (var follower in slot.TakeFollowers())
            follower.SetPending(follower.Job!.Prompt);
        slot.Leader?.RemoveFollower(slot);
        _context.RemoveTokens(slot.Sequence);
        slot.Reset();
        complete(job);
        job.Dispose();
    }

    public void Dispose()
    {
        _stopping = true;
        Wake();
        _thread.Join();
        _batch.Dispose();
        _wake.Dispose();
    }

    /// <summary>Per-sequence state; touched only by the scheduler thread.</summary>
    private sealed class Slot(int sequence)
    {
        public int Sequence { get; } = sequence;
        public SequenceJob? Job { get; private set; }
        public int[] Pending { get; private set; } = [];
        public int PendingOffset { get; set; }
        public int PendingCount => Pending.Length - PendingOffset;
        public int Position { get; set; }
        public int LogitsIndex { get; set; } = -1;
        public List<int> Generated { get; } = [];
        public List<int> TokenTextStart { get; } = [];
        public StringBuilder Text { get; } = new();
        public bool ReadingVerdict { get; set; }
        public string Reasoning { get; set; } = "";
        public int ReasoningTokens { get; set; }
        public GenerationStopReason StopReason { get; set; } = GenerationStopReason.EndOfGeneration;

        /// <summary>The slot whose prompt decode this one waits to copy (it has nothing pending meanwhile).</summary>
        public Slot? Leader { get; private set; }

        private readonly List<Slot> _followers = [];

        /// <param name="leader">Decoding the same prompt: wait and copy it rather than decode it again.</param>
        public void Start(SequenceJob job, Slot? leader)
        {
            Job = job;
            Leader = leader;
            if (leader is null)
                SetPending(job.Prompt);
            else
                leader._followers.Add(this);
        }

        /// <summary>The followers, detached: the prompt is decoded (or abandoned) and each goes its own way.</summary>
        public List<Slot> TakeFollowers()
        {
            var followers = _followers.ToList();
            _followers.Clear();
            followers.ForEach(f => f.Leader = null);
            return followers;
        }

        public void RemoveFollower(Slot follower) => _followers.Remove(follower);

        public void SetPending(int[] tokens)
        {
            Pending = tokens;
            PendingOffset = 0;
        }

        public void Reset()
        {
            Job = null;
            Leader = null;
            SetPending([]);
            Position = 0;
            LogitsIndex = -1;
            Generated.Clear();
            TokenTextStart.Clear();
            Text.Clear();
            ReadingVerdict = false;
            Reasoning = "";
            ReasoningTokens = 0;
            StopReason = GenerationStopReason.EndOfGeneration;
        }
    }
}
