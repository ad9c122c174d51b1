using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>Puts an instruction into one configured category, constrained by a grammar.</summary>
public sealed class InstructionClassifier(IIterationModel model)
{
    private const int MaxCategoryTokens = 16;

    /// <summary>The category of an instruction (a multi-turn one: of its first turn) and the model that chose it.</summary>
    public async Task<(string Category, GeneratorIdentity By)> ClassifyAsync(string instruction, IReadOnlyList<string> categories, CancellationToken cancellationToken)
    {
        // Greedy decoding: the category of an instruction does not depend on the iteration, the replica or when it is asked.
        var settings = new GenerationSettings(MaxCategoryTokens, 0f, 0, IterationPrompts.CategoryGrammar(categories));
        var generated = await model.GenerateAsync([new ChatMessage("user", IterationPrompts.Classify(instruction, categories))], settings, cancellationToken);
        var answer = generated.Text.Trim();
        var category = categories.FirstOrDefault(c => string.Equals(c, answer, StringComparison.OrdinalIgnoreCase))
            ?? categories.FirstOrDefault(c => answer.StartsWith(c, StringComparison.OrdinalIgnoreCase))
            ?? categories[^1];
        return (category, generated.By);
    }
}
