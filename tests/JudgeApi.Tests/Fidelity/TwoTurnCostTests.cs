using JudgeApi.Judging;
using JudgeApi.Llama;
using Xunit.Abstractions;

namespace JudgeApi.Tests.Fidelity;

/// <summary>
/// What a two-turn judgment costs against a single-turn one, in prompt tokens as the engine tokenizes them, on real
/// tokenizers (MT-Bench question 81 with answers of MT-Bench-like length): each side repeats the earlier turn, and
/// the multi-turn template adds a fixed overhead.
/// </summary>
public sealed class TwoTurnCostTests(ITestOutputHelper output)
{
    private const string Turn1 = "Compose an engaging travel blog post about a recent trip to Hawaii, highlighting cultural experiences and must-see attractions.";
    private const string Turn2 = "Rewrite your previous response. Start every sentence with the letter A.";

    private static readonly string Answer1A = string.Join(' ', Enumerable.Repeat(
        "Aloha! My trip to Hawaii was a dream: hula at a village luau, poke on the beach, and the sunrise over Haleakala crater.", 8));
    private static readonly string Answer1B = string.Join(' ', Enumerable.Repeat(
        "Hawaii surprised me at every turn, from the lava fields of the Big Island to the quiet temples of Oahu and its food trucks.", 8));
    private static readonly string Answer2A = string.Join(' ', Enumerable.Repeat(
        "A trip to Hawaii is a dream. All my days began with sunrise. Aloha greeted me at every village luau.", 8));
    private static readonly string Answer2B = string.Join(' ', Enumerable.Repeat(
        "Hawaii was lovely. Every day I swam, ate poke and watched the sun go down over the ocean.", 8));

    [Theory]
    [InlineData("qwen2")]
    [InlineData("llama-bpe")]
    [InlineData("gpt-2")]
    public void A_two_turn_judgment_costs_both_sides_of_the_history_plus_a_fixed_template_overhead(string vocabulary)
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab(vocabulary), new ModelOptions { VocabOnly = true });
        // The served prompt: the judge prompt through ChatML (Qwen's template), tokenized as the engine does.
        var tokenizer = new PromptTokenizer(new ChatTokenizer(model, ChatTemplate.For(model, "chatml")));
        int Tokens(JudgedTexts texts) => tokenizer.Judge(texts).Tokens.Length;
        int Text(string text) => model.Tokenize(text, addSpecial: false).Length;

        var single = Tokens(new JudgedTexts(Turn2, Answer2A, Answer2B));
        var shared = Tokens(new JudgedTexts(Turn2, Answer2A, Answer2B, [new EarlierTurn(Turn1, Answer1A, Answer1A)]));
        var sides = Tokens(new JudgedTexts(Turn2, Answer2A, Answer2B, [new EarlierTurn(Turn1, Answer1A, Answer1B)]));
        var history = 2 * Text(Turn1) + Text(Answer1A) + Text(Answer1B);
        var overhead = sides - single - history;

        output.WriteLine($"{vocabulary}: single-turn {single} tokens; two-turn, shared history {shared} (x{(double)shared / single:0.00}); " +
            $"two-turn, two sides {sides} (x{(double)sides / single:0.00}); earlier turn on both sides {history}; template overhead {overhead}");
        Assert.Equal(Text(Answer1B) - Text(Answer1A), sides - shared);
        // The rest is the multi-turn rubric and delimiters against the single-turn ones: a small, fixed amount.
        Assert.InRange(overhead, 0, 120);
    }
}
