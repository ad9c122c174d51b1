using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;
using static JudgeApi.Tests.Scheduling.SchedulingJobs;

namespace JudgeApi.Tests.Scheduling;

/// <summary>What one decode takes: live work first, background work batched behind it, the oldest prompt first.</summary>
public sealed class BatchPlannerTests
{
    public BatchPlannerTests() => LlamaRuntime.Initialize();

    private static Slot Started(int sequence, int[] prompt, SequencePriority priority, long arrival, bool generating = false)
    {
        var job = Job(prompt, priority);
        job.Arrival = arrival;
        var slot = new Slot(sequence);
        slot.Start(job, leader: null);
        if (generating)
            slot.Generate(7);
        return slot;
    }

    [Fact]
    public void Background_sequences_fill_the_rest_of_a_batch_after_live_ones()
    {
        Slot backgroundGenerating = Started(0, [1], SequencePriority.Background, 0, generating: true),
            livePrompt = Started(1, [1, 2, 3, 4, 5], SequencePriority.Interactive, 3),
            backgroundPrompt = Started(2, [.. Enumerable.Range(1, 10)], SequencePriority.Background, 1),
            liveGenerating = Started(3, [1], SequencePriority.Interactive, 2, generating: true);
        using var batch = new LlamaBatch(9);

        var live = new BatchPlanner(reproducibleBackground: false).Fill(batch, [backgroundGenerating, livePrompt, backgroundPrompt, liveGenerating]);

        Assert.True(live);
        Assert.Equal(9, batch.Count);
        // Live token, live prompt, background token, then what room is left of the background prompt.
        Assert.Equal([0, 0, 0, 8], new[] { liveGenerating, livePrompt, backgroundGenerating, backgroundPrompt }.Select(s => s.PendingCount));
        Assert.Equal((0, 5, 6, -1), (liveGenerating.LogitsIndex, livePrompt.LogitsIndex, backgroundGenerating.LogitsIndex, backgroundPrompt.LogitsIndex));
    }

    [Fact]
    public void Within_a_priority_the_oldest_jobs_prompt_is_decoded_first_whatever_its_slot()
    {
        Slot newer = Started(0, [1, 2, 3, 4, 5, 6], SequencePriority.Interactive, arrival: 5),
            older = Started(1, [1, 2, 3, 4, 5, 6], SequencePriority.Interactive, arrival: 2);
        using var batch = new LlamaBatch(8);

        new BatchPlanner(reproducibleBackground: false).Fill(batch, [newer, older]);

        Assert.Equal((0, 4), (older.PendingCount, newer.PendingCount));
    }

    [Fact]
    public void Reproducible_background_sequences_are_decoded_alone_and_in_turn()
    {
        Slot first = Started(0, [1], SequencePriority.Background, 0, generating: true),
            second = Started(1, [1], SequencePriority.Background, 1, generating: true);
        var planner = new BatchPlanner(reproducibleBackground: true);
        using var batch = new LlamaBatch(8);

        Assert.False(planner.Fill(batch, [first, second]));
        Assert.Equal((1, 0, 1), (batch.Count, first.PendingCount, second.PendingCount));
        first.Generate(8);
        planner.Fill(batch, [first, second]);
        Assert.Equal((1, 1, 0), (batch.Count, first.PendingCount, second.PendingCount));
    }
}
