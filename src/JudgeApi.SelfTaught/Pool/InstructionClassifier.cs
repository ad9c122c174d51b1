namespace JudgeApi.SelfTaught;

/// <summary>Puts an instruction into one configured category, constrained by a grammar.</summary>
public sealed class InstructionClassifier(IIterationModel model)
{
    private const int MaxCategoryTokens = 16;

    public async Task<string> ClassifyAsync(string instruction, IReadOnlyList<string> categories, CancellationToken cancellationToken)
    {
        // Greedy decoding: the category of an instruction does not depend on the iteration, the replica or when it is asked.
        var settings = new GenerationSettings(MaxCategoryTokens, 0f, 0, IterationPrompts.CategoryGrammar(categories));
        var answer = (await model.GenerateAsync(IterationPrompts.Classify(instruction, categories), settings, cancellationToken)).Trim();
        return categories.FirstOrDefault(c => string.Equals(c, answer, StringComparison.OrdinalIgnoreCase))
            ?? categories.FirstOrDefault(c => answer.StartsWith(c, StringComparison.OrdinalIgnoreCase))
            ?? categories[^1];
    }
}
