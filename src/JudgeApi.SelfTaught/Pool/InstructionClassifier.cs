using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>Puts each unclassified pool instruction into one configured category, constrained by a grammar.</summary>
public sealed class InstructionClassifier(IIterationModel model, InstructionPool pool)
{
    private const int MaxCategoryTokens = 16;

    /// <summary>Stores each instruction's category (and the model that chose it) as soon as it is known, so a restart skips what is done.</summary>
    public Task ClassifyPoolAsync(IReadOnlyList<string> categories, int parallelism, Action afterEach, CancellationToken cancellationToken,
        CancellationToken stopStarting) =>
        ItemWork.ForEachAsync(pool.Unclassified(), parallelism, async (instruction, token) =>
        {
            var (category, by) = await ClassifyAsync(instruction.Text, categories, token);
            pool.SetCategory(instruction.Id, category, IterationPrompts.ClassifyVersion, by);
            afterEach();
        }, cancellationToken, stopStarting);

    /// <summary>The category of an instruction (a multi-turn one: of its first turn) and the model that chose it.</summary>
    public async Task<(string Category, GeneratorIdentity By)> ClassifyAsync(string instruction, IReadOnlyList<string> categories, CancellationToken cancellationToken)
    {
        // Greedy decoding: the category of an instruction does not depend on the iteration or on when it is asked.
        var settings = new GenerationSettings(MaxCategoryTokens, 0f, 0, IterationPrompts.CategoryGrammar(categories));
        var generated = await model.GenerateAsync([new ChatMessage("user", IterationPrompts.Classify(instruction, categories))], settings, cancellationToken);
        var answer = generated.Text.Trim();
        var category = categories.FirstOrDefault(c => string.Equals(c, answer, StringComparison.OrdinalIgnoreCase))
            ?? categories.FirstOrDefault(c => answer.StartsWith(c, StringComparison.OrdinalIgnoreCase))
            ?? categories[^1];
        return (category, generated.By);
    }
}
