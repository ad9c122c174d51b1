using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Makes one synthetic preference pair: y_w answers x, x' is a related but different instruction, y_l answers x'.
/// y_l is a plausible answer to the wrong question, so y_w is better for x without any human label. For a multi-turn
/// instruction (follow-ups) the generator first answers each earlier turn in order; that conversation is shared by
/// both responses, and x is the last user turn. A model that writes x itself back as x' is asked again, with the next
/// derived seed, up to <paramref name="modifyAttempts"/> times: a small model copies its instruction often, and each
/// copy would cost the pair.
/// </summary>
public sealed class PairSynthesizer(IIterationModel model, int maxTokens, float temperature, int modifyAttempts)
{
    public async Task<PairSynthesis> SynthesizeAsync(long iterationSeed, long instructionId, string instruction, IReadOnlyList<string>? followUps,
        CancellationToken cancellationToken)
    {
        string[] turns = [instruction, .. followUps ?? []];
        var judged = turns[^1];
        var historySeeds = Enumerable.Range(0, turns.Length - 1).Select(i => SeedDerivation.Derive(iterationSeed, instructionId, "history", i)).ToArray();
        var provenance = new SynthesisProvenance(
            SeedDerivation.Derive(iterationSeed, instructionId, "chosen", 0),
            SeedDerivation.Derive(iterationSeed, instructionId, "modify", 0),
            SeedDerivation.Derive(iterationSeed, instructionId, "rejected", 0),
            IterationPrompts.ResponseVersion,
            IterationPrompts.ModifyVersion)
        { HistorySeeds = historySeeds.Length == 0 ? null : historySeeds };
        var writers = new List<GeneratorIdentity>();

        // x' depends on nothing else: ask for it at once so a batching engine overlaps it with the answers.
        var modifiedTask = ModifyAsync(iterationSeed, instructionId, judged, cancellationToken);
        var conversation = new List<ChatMessage>();
        var history = new List<HistoryTurn>();
        for (var i = 0; i < historySeeds.Length; i++)
        {
            var answer = await GenerateAsync([.. conversation, Ask(turns[i])], historySeeds[i], cancellationToken);
            writers.Add(answer.By);
            history.Add(new HistoryTurn(turns[i], answer.Text));
            conversation.AddRange([Ask(turns[i]), new ChatMessage("assistant", answer.Text)]);
            if (answer.Text.Length == 0)
                break;
        }
        var kept = history.Count == 0 ? null : history;
        if (history.Any(t => t.Assistant.Length == 0))
        {
            var (unused, unusedSeed) = await modifiedTask;
            return new(unused.Text, "", "", DiscardReason.EmptyOutput,
                provenance with { ModifySeed = unusedSeed, Generators = [.. writers.Append(unused.By).Distinct()] }, kept);
        }

        var chosen = await GenerateAsync([.. conversation, Ask(judged)], provenance.ChosenSeed, cancellationToken);
        var (modified, modifySeed) = await modifiedTask;
        provenance = provenance with { ModifySeed = modifySeed };
        var rejected = modified.Text.Length == 0
            ? null
            : await GenerateAsync([.. conversation, Ask(modified.Text)], provenance.RejectedSeed, cancellationToken);
        writers.AddRange(rejected is null ? [chosen.By, modified.By] : [chosen.By, modified.By, rejected.By]);
        return new(modified.Text, chosen.Text, rejected?.Text ?? "", DegenerateReason(judged, modified.Text, chosen.Text, rejected?.Text ?? ""),
            provenance with { Generators = [.. writers.Distinct()] }, kept);
    }

    public static string? DegenerateReason(string instruction, string modified, string chosen, string rejected)
    {
        if (chosen.Length == 0 || modified.Length == 0 || rejected.Length == 0)
            return DiscardReason.EmptyOutput;
        if (SameText(modified, instruction))
            return DiscardReason.SameInstruction;
        if (SameText(chosen, rejected))
            return DiscardReason.IdenticalResponses;
        return null;
    }

    private static bool SameText(string a, string b) => InstructionText.Normalize(a) == InstructionText.Normalize(b);

    /// <summary>x' and the seed that wrote it: the first attempt that is not x itself, or the last attempt.</summary>
    private async Task<(GeneratedText Text, uint Seed)> ModifyAsync(long iterationSeed, long instructionId, string instruction, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var seed = SeedDerivation.Derive(iterationSeed, instructionId, "modify", attempt);
            var modified = await GenerateAsync([new ChatMessage("user", IterationPrompts.ModifyInstruction(instruction))], seed, cancellationToken);
            if (attempt + 1 >= modifyAttempts || !SameText(modified.Text, instruction))
                return (modified, seed);
        }
    }

    /// <summary>The user turn that asks for an answer to <paramref name="instruction"/>.</summary>
    private static ChatMessage Ask(string instruction) => new("user", IterationPrompts.Response(instruction));

    private async Task<GeneratedText> GenerateAsync(IReadOnlyList<ChatMessage> messages, uint seed, CancellationToken cancellationToken)
    {
        var generated = await model.GenerateAsync(messages, new GenerationSettings(maxTokens, temperature, seed), cancellationToken);
        return generated with { Text = generated.Text.Trim() };
    }
}
