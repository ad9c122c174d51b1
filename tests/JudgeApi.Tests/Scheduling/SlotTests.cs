using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;
using static JudgeApi.Tests.Scheduling.SchedulingJobs;

namespace JudgeApi.Tests.Scheduling;

/// <summary>The slot state machine: each transition, what it leaves pending, and that a wrong one fails loudly.</summary>
public sealed class SlotTests
{
    public SlotTests() => LlamaRuntime.Initialize();

    [Fact]
    public void A_job_prefills_in_chunks_generates_reads_its_logits_and_leaves()
    {
        var slot = new Slot(2);
        slot.Start(Job([1, 2, 3, 4, 5]), leader: null);
        Assert.Equal((SlotState.Prefilling, 5), (slot.State, slot.PendingCount));

        using var batch = new LlamaBatch(3);
        slot.AddPendingTo(batch);
        Assert.Equal((3, 3, -1), (batch.Count, slot.Position, slot.LogitsIndex));
        batch.Clear();
        slot.AddPendingTo(batch);
        // Logits only after the prompt's last token.
        Assert.Equal((2, 5, 1), (batch.Count, slot.Position, slot.LogitsIndex));
        Assert.Equal(1, slot.TakeLogitsIndex());
        Assert.Equal(-1, slot.LogitsIndex);

        slot.Generate(7);
        Assert.Equal((SlotState.Generating, 1), (slot.State, slot.PendingCount));
        slot.Generate(8);
        var generated = new SequenceResult("text", 2, GenerationStopReason.MaxTokens);
        slot.ReadLogitsAfter([8, 9, 10], position: 6, generated);
        Assert.Equal((SlotState.ReadingLogits, 3, 6), (slot.State, slot.PendingCount, slot.Position));
        Assert.Same(generated, slot.Generated);

        slot.Reset();
        Assert.Equal((SlotState.Idle, 0, 0, null), (slot.State, slot.PendingCount, slot.Position, slot.Job));
        Assert.Same(SequenceResult.None, slot.Generated);
    }

    [Fact]
    public void A_follower_waits_with_nothing_pending_then_takes_the_copied_prompt_or_decodes_its_own()
    {
        var leader = new Slot(0);
        var copier = new Slot(1);
        var abandoned = new Slot(2);
        int[] prompt = [1, 2, 3];
        leader.Start(Job(prompt), leader: null);
        copier.Start(Job(prompt), leader);
        abandoned.Start(Job(prompt), leader);
        Assert.Equal((SlotState.WaitingForLeader, 0, leader), (copier.State, copier.PendingCount, copier.Leader));

        Assert.Equal([copier, abandoned], leader.TakeFollowers());
        Assert.Null(copier.Leader);
        copier.PromptCopied(3);
        Assert.Equal((SlotState.Prefilling, 0, 3), (copier.State, copier.PendingCount, copier.Position));
        abandoned.DecodeOwnPrompt();
        Assert.Equal((SlotState.Prefilling, 3, 0), (abandoned.State, abandoned.PendingCount, abandoned.Position));
    }

    [Fact]
    public void A_follower_sharing_a_prefix_copies_it_then_decodes_the_rest_of_its_prompt()
    {
        var leader = new Slot(0);
        var follower = new Slot(1);
        leader.Start(Job([1, 2, 3, 4]), leader: null);
        follower.Start(Job([1, 2, 3, 9, 8]), leader, shared: 3);
        Assert.Equal((SlotState.WaitingForLeader, 0, 3, false), (follower.State, follower.PendingCount, follower.SharedTokens, follower.SharesWholePrompt));

        Assert.Equal([follower], leader.TakeFollowers());
        follower.PrefixCopied(3);
        Assert.Equal((SlotState.Prefilling, 2, 3), (follower.State, follower.PendingCount, follower.Position));
        using var batch = new LlamaBatch(4);
        follower.AddPendingTo(batch);
        Assert.Equal((2, 5, 1), (batch.Count, follower.Position, follower.LogitsIndex));
    }

    [Fact]
    public void A_transition_from_the_wrong_state_throws()
    {
        var slot = new Slot(0);
        Assert.Throws<InvalidOperationException>(() => slot.Generate(1));
        slot.Start(Job([1]), leader: null);
        Assert.Throws<InvalidOperationException>(() => slot.Start(Job([1]), leader: null));
        Assert.Throws<InvalidOperationException>(() => slot.PromptCopied(1));
        slot.ReadLogitsAfter([2], 1, SequenceResult.None);
        Assert.Throws<InvalidOperationException>(() => slot.Generate(3));
    }
}
