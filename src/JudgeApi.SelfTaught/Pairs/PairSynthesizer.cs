namespace JudgeApi.SelfTaught;

/// <summary>
/// Makes one synthetic preference pair: y_w answers x, x' is a related but different instruction, y_l answers x'.
/// y_l is a plausible answer to the wrong question, so y_w is better for x without any human label.
/// </summary>
public sealed class PairSynthesizer(IIterationModel model, int maxTokens, float temperature)
{
    public async Task<PairSynthesis> SynthesizeAsync(long iterationSeed, long instructionId, string instruction, CancellationToken cancellationToken)
    {
        var provenance = new SynthesisProvenance(
            SeedDerivation.Derive(iterationSeed, instructionId, "chosen", 0),
            SeedDerivation.Derive(iterationSeed, instructionId, "modify", 0),
            SeedDerivation.Derive(iterationSeed, instructionId, "rejected", 0),
            IterationPrompts.ResponseVersion,
            IterationPrompts.ModifyVersion);

        // y_w and x' do not depend on each other: ask for both at once so a batching engine can overlap them.
        var chosenTask = GenerateAsync(IterationPrompts.Response(instruction), provenance.ChosenSeed, cancellationToken);
        var modifiedTask = GenerateAsync(IterationPrompts.ModifyInstruction(instruction), provenance.ModifySeed, cancellationToken);
        var chosen = await chosenTask;
        var modified = await modifiedTask;
        var rejected = modified.Length == 0
            ? ""
            : await GenerateAsync(IterationPrompts.Response(modified), provenance.RejectedSeed, cancellationToken);
        return new(modified, chosen, rejected, DegenerateReason(instruction, modified, chosen, rejected), provenance);
    }

    public static string? DegenerateReason(string instruction, string modified, string chosen, string rejected)
    {
        if (chosen.Length == 0 || modified.Length == 0 || rejected.Length == 0)
            return DiscardReason.EmptyOutput;
        if (InstructionText.Normalize(modified) == InstructionText.Normalize(instruction))
            return DiscardReason.SameInstruction;
        if (InstructionText.Normalize(chosen) == InstructionText.Normalize(rejected))
            return DiscardReason.IdenticalResponses;
        return null;
    }

    private async Task<string> GenerateAsync(string prompt, uint seed, CancellationToken cancellationToken) =>
        (await model.GenerateAsync(prompt, new GenerationSettings(maxTokens, temperature, seed), cancellationToken)).Trim();
}
