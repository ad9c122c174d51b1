using System.Runtime.ExceptionServices;
using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// Moves a slot on once its pending input is decoded: samples the next token and asks the job's program whether
/// generation goes on; once it ends, asks the program what to keep and what to decode next, rewinds to the kept
/// tokens, decodes that input, and hands the program the logits after it. The end of generation, the token cap and the rewind are generic; what stops early and what the
/// logits mean are the program's.
/// </summary>
internal sealed class SlotAdvancer(LlamaContext context, ISchedulerObserver observer)
{
    private readonly Dictionary<SequenceJob, SampledToken> _sampled = [];

    /// <summary>
    /// Draws the next token of every job that samples from this decode's logits, the decoded slots' and their
    /// followers', at once (<see cref="LlamaSampler.SampleEach"/>); <see cref="Advance"/> takes each job's draw.
    /// </summary>
    public void SampleAll(IReadOnlyList<Slot> decoded)
    {
        _sampled.Clear();
        var jobs = new List<SequenceJob>();
        var draws = new List<(LlamaSampler, int)>();
        foreach (var slot in decoded)
        {
            foreach (var sampling in slot.Followers.Where(f => f.SharesWholePrompt).Prepend(slot).Where(Samples))
            {
                jobs.Add(sampling.Job!);
                draws.Add((sampling.Job!.Sampler!, slot.LogitsIndex));
            }
        }
        var tokens = LlamaSampler.SampleEach(context, draws);
        for (var i = 0; i < jobs.Count; i++)
            _sampled[jobs[i]] = tokens[i];
    }

    /// <summary>The slot's pending input is decoded, its logits are at <paramref name="index"/>, and <see cref="SampleAll"/> has drawn.</summary>
    /// <returns>The job's result once it has ended; null while it goes on.</returns>
    public SequenceResult? Advance(Slot slot, int index)
    {
        var job = slot.Job!;
        if (!Samples(slot))
        {
            job.Program!.ReadLogits(context.GetLogits(index));
            return slot.Generated;
        }

        var model = context.Model;
        var (token, error) = _sampled[job];
        if (error is not null)
            ExceptionDispatchInfo.Throw(error);
        if (model.IsEndOfGeneration(token))
            return Stop(slot, slot.Generation.Count, GenerationStopReason.EndOfGeneration);

        slot.Generation.Add(token, model.TokenToPiece(token));
        observer.TokensGenerated(1);
        job.Program?.Sampled(token, context.GetLogits(index));
        if (job.Program?.StopAfter(slot.Generation) is { } keep)
            return Stop(slot, keep, GenerationStopReason.EndOfGeneration);
        if (slot.Generation.Count >= job.MaxTokens)
            return Stop(slot, slot.Generation.Count, GenerationStopReason.MaxTokens);
        slot.Generate(token);
        return null;
    }

    /// <summary>Whether the slot's job samples from the logits after its pending input, rather than reading them.</summary>
    private static bool Samples(Slot slot) => slot.State != SlotState.ReadingLogits && slot.Job!.Sampler is not null;

    /// <summary>Generation ends with the first <paramref name="keep"/> generated tokens.</summary>
    private SequenceResult? Stop(Slot slot, int keep, GenerationStopReason reason)
    {
        var job = slot.Job!;
        int[]? input = null;
        if (job.Program is { } program)
            (keep, input) = program.End(slot.Generation, keep);
        var generated = new SequenceResult(context.Model.Detokenize(slot.Generation.Tokens[..keep]), keep, reason);
        if (input is null)
            return generated;

        // Rewind the sequence to the kept tokens, then feed any kept token not yet decoded and the forced input.
        var prompt = job.Prompt.Length;
        var decoded = slot.Position - prompt;
        if (keep < decoded)
        {
            context.RemoveTokens(slot.Sequence, prompt + keep);
            decoded = keep;
        }
        slot.ReadLogitsAfter([.. slot.Generation.Tokens[decoded..keep], .. input], prompt + decoded, generated);
        return null;
    }
}
