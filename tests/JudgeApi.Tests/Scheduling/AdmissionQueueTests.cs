using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using static JudgeApi.Tests.Scheduling.SchedulingJobs;

namespace JudgeApi.Tests.Scheduling;

/// <summary>Admission order, cancelled jobs, prompt sharing and adapter switching, on a real context of the tiny model.</summary>
public sealed class AdmissionQueueTests : IDisposable
{
    private readonly LlamaModel _model;
    private readonly LlamaContext _context;
    private readonly Slot[] _slots = [.. Enumerable.Range(0, 4).Select(i => new Slot(i))];

    public AdmissionQueueTests()
    {
        LlamaRuntime.Initialize();
        _model = LlamaModel.Load(TestModels.Tiny());
        _context = new LlamaContext(_model, new ContextOptions { ContextSize = 256, Sequences = 4, KvUnified = false, Threads = 1 });
    }

    private AdmissionQueue Queue() => new(new AdapterSwitch(_context, null), new PromptSharing(_context, new NoObserver()), new SchedulerOptions(4));

    [Fact]
    public void Interactive_jobs_start_first_then_background_ones_in_arrival_order()
    {
        var queue = Queue();
        SequenceJob b1 = Job([1]), b2 = Job([2]), b3 = Job([3]);
        SequenceJob i1 = Job([4], SequencePriority.Interactive), i2 = Job([5], SequencePriority.Interactive);
        queue.Add([b1, b2, i1]);
        queue.Add([b3, i2]);

        queue.AdmitInto(_slots);

        Assert.Equal([i1, i2, b1, b2], _slots.Select(s => s.Job));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void A_cancelled_job_is_dropped_as_it_reaches_the_head()
    {
        var queue = Queue();
        using var cancel = new CancellationTokenSource();
        var cancelled = Job([1], cancellationToken: cancel.Token);
        var next = Job([2]);
        queue.Add([cancelled, next]);
        cancel.Cancel();

        queue.AdmitInto(_slots);

        Assert.True(cancelled.Completion.IsCanceled);
        Assert.Same(next, _slots[0].Job);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_job_waits_for_a_slot_prefilling_its_prompt_on_the_same_weights_and_priority()
    {
        var queue = Queue();
        int[] prompt = [1, 2, 3];
        queue.Add([Job(prompt), Job(prompt), Job(prompt, SequencePriority.Interactive), Job([1, 2])]);

        queue.AdmitInto(_slots);

        // The interactive copy starts first and leads nothing: the background ones are another priority.
        Assert.Equal([SlotState.Prefilling, SlotState.Prefilling, SlotState.WaitingForLeader, SlotState.Prefilling], _slots.Select(s => s.State));
        Assert.Same(_slots[1], _slots[2].Leader);
    }

    [Fact]
    public void A_job_for_other_weights_waits_at_the_head_until_every_slot_is_idle()
    {
        using var data = new TempDirectory();
        using var adapter = LoraAdapter.Load(_model, AdapterFiles.Good(data.Path));
        var queue = Queue();
        queue.Add([Job([1])]);
        queue.AdmitInto(_slots);
        queue.Add([Job([2], adapter: adapter), Job([3])]);

        queue.AdmitInto(_slots);
        Assert.Equal(2, queue.Count);
        Assert.Equal(SlotState.Idle, _slots[1].State);

        // Idle: the adapter is set and its job starts; the base job behind it now waits for that one in turn.
        _slots[0].Reset();
        queue.AdmitInto(_slots);
        Assert.Same(adapter, _slots[0].Job?.Adapter);
        Assert.Equal(SlotState.Idle, _slots[1].State);
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void A_job_waits_until_its_kv_cells_fit_beside_the_running_ones_and_those_behind_it_wait_too()
    {
        var queue = new AdmissionQueue(new AdapterSwitch(_context, null), new PromptSharing(_context, new NoObserver()), new SchedulerOptions(4), kvCells: 10);
        queue.Add([Job([1, 2, 3, 4, 5, 6]), Job([1, 2, 3, 4, 5]), Job([9])]);

        queue.AdmitInto(_slots);
        Assert.Equal([SlotState.Prefilling, SlotState.Idle, SlotState.Idle, SlotState.Idle], _slots.Select(s => s.State));
        Assert.Equal(2, queue.Count);

        _slots[0].Reset();
        queue.AdmitInto(_slots);
        Assert.Equal([5, 1, 0, 0], _slots.Select(s => s.ReservedCells));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Background_jobs_leave_the_reserved_sequences_to_live_ones()
    {
        var queue = new AdmissionQueue(new AdapterSwitch(_context, null), new PromptSharing(_context, new NoObserver()),
            new SchedulerOptions(4, ReservedForInteractive: 2));
        queue.Add([Job([1]), Job([2]), Job([3])]);
        queue.AdmitInto(_slots);
        Assert.Equal((2, 1), (_slots.Count(s => s.State != SlotState.Idle), queue.Count));

        queue.Add([Job([4], SequencePriority.Interactive), Job([5], SequencePriority.Interactive)]);
        queue.AdmitInto(_slots);
        Assert.Equal([SequencePriority.Background, SequencePriority.Background, SequencePriority.Interactive, SequencePriority.Interactive],
            _slots.Select(s => s.Job!.Priority));
        Assert.Equal(1, queue.Count);
    }

    public void Dispose()
    {
        _context.Dispose();
        _model.Dispose();
    }

    private sealed class NoObserver : ISchedulerObserver
    {
        public void TokensGenerated(int count)
        {
        }

        public void PromptTokensCopied(int count)
        {
        }

        public void PrefixCacheHit(int tokens)
        {
        }
    }
}
