using JudgeApi.Llama;

namespace JudgeApi.Training.Tests;

/// <summary>Judge-style examples: a pairwise comparison prompt and a short judgment ending in a random verdict.</summary>
internal static class JudgeDataset
{
    private static readonly string[] Topics =
    [
        "sorting a list", "the boiling point of water", "a haiku about rain", "compound interest", "the capital of Peru",
        "photosynthesis", "binary search", "a limerick about cats", "the speed of light", "prime numbers",
        "the French revolution", "recursion", "a recipe for bread", "black holes", "the rules of chess", "tectonic plates",
    ];

    public static IReadOnlyList<TrainingExample> Create(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var verdict = random.Next(2) == 0 ? "A" : "B";
            return new TrainingExample(
            [
                new ChatMessage("system", "You are a fair judge. Compare two responses and name the better one."),
                new ChatMessage("user", Prompt(i)),
                new ChatMessage("assistant", Judgment(verdict)),
            ]);
        }).ToList();
    }

    public static string Prompt(int i) =>
        $"Instruction: explain {Topics[i % Topics.Length]}.\nResponse A: answer {i * 7 % 13}.\nResponse B: answer {i * 5 % 11}.\nWhich is better?";

    public static string Judgment(string verdict) => $"Verdict: {verdict}";

    /// <summary>The verdict letter of a generated judgment, or null when it has none.</summary>
    public static string? VerdictOf(string text)
    {
        var at = text.IndexOf("Verdict: ", StringComparison.Ordinal);
        return at >= 0 && at + 9 < text.Length ? text.Substring(at + 9, 1) : null;
    }
}
