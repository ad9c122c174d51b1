namespace JudgeApi.SelfTaught;

/// <summary>Puts each unclassified pool instruction into one configured category, constrained by a grammar.</summary>
public sealed class InstructionClassifier(IIterationModel model, InstructionPool pool)
{
    private const int MaxCategoryTokens = 16;

    /// <summary>Stores each instruction's category as soon as it is known, so a restart skips what is done.</summary>
    public Task ClassifyPoolAsync(IReadOnlyList<string> categories, int parallelism, Action afterEach, CancellationToken cancellationToken,
        CancellationToken stopStarting) =>
        ItemWork.ForEachAsync(pool.Unclassified(), parallelism, async (instruction, token) =>
        {
            var category = await ClassifyAsync(instruction.Text, categories, token);
            pool.SetCategory(instruction.Id, category, IterationPrompts.ClassifyVersion);
            afterEach();
        }, cancellationToken, stopStarting);

    public async Task<string> ClassifyAsync(string instruction, IReadOnlyList<string> categories, CancellationToken cancellationToken)
    {
        // Greedy decoding: the category of an instruction does not depend on the iteration or on when it is asked.
        var settings = new GenerationSettings(MaxCategoryTokens, 0f, 0, IterationPrompts.CategoryGrammar(categories));
        var answer = (await model.GenerateAsync(IterationPrompts.Classify(instruction, categories), settings, cancellationToken)).Trim();
        return categories.FirstOrDefault(c => string.Equals(c, answer, StringComparison.OrdinalIgnoreCase))
            ?? categories.FirstOrDefault(c => answer.StartsWith(c, StringComparison.OrdinalIgnoreCase))
            ?? categories[^1];
    }
}
