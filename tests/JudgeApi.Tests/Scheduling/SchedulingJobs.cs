using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;

namespace JudgeApi.Tests.Scheduling;

/// <summary>Jobs for the scheduler's pieces: a prompt and a program that only reads the logits after it.</summary>
internal static class SchedulingJobs
{
    public static SequenceJob Job(int[] prompt, SequencePriority priority = SequencePriority.Background, LoraAdapter? adapter = null,
        CancellationToken cancellationToken = default) =>
        new(prompt, priority, adapter, null, 0, new ReadsLogits(), cancellationToken);

    private sealed class ReadsLogits : ISequenceProgram
    {
        public (int Keep, int[] Input) End(Generation generation, int keep) => (keep, []);

        public int? StopAfter(Generation generation) => null;

        public void ReadLogits(ReadOnlySpan<float> logits)
        {
        }
    }
}
