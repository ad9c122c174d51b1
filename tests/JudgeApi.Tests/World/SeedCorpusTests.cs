using JudgeApi.Judging;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.World;

/// <summary>The seed corpus is rendered with the service's and the pipeline's own prompts, and is as noisy as its recipe says.</summary>
public sealed class SeedCorpusTests
{
    private static readonly SeedRecipe Recipe = new(Answers: 3000, WrongAnswerRate: 0.1, Modifications: 400, Classifications: 400, Judgments: 2000,
        CarefulShare: 0.4, CarelessAccuracy: 0.6, Drills: 500);

    private static readonly IReadOnlyList<SeedExample> Corpus = SeedCorpus.Build(seed: 8, Recipe);

    private static List<SeedExample> OfKind(string kind) => Corpus.Where(e => e.Kind == kind).ToList();

    private static string Solve(string instruction) => ProofWorldTests.Solve(instruction);

    /// <summary>The question and the two answers, read back from a judge prompt's user turn.</summary>
    private static (string Instruction, string A, string B) JudgedTextsOf(string user) => (
        user.Split("[User Question]\n")[1].Split("\n\n[The Start of Assistant A's Answer]")[0],
        user.Split("[The Start of Assistant A's Answer]\n")[1].Split("\n[The End of Assistant A's Answer]")[0],
        user.Split("[The Start of Assistant B's Answer]\n")[1].Split("\n[The End of Assistant B's Answer]")[0]);

    [Fact]
    public void Holds_what_the_recipe_asks_for_the_same_for_a_seed()
    {
        Assert.Equal(3000, OfKind(SeedCorpus.Answer).Count);
        Assert.Equal(400, OfKind(SeedCorpus.Modify).Count);
        Assert.Equal(400, OfKind(SeedCorpus.Classify).Count);
        Assert.Equal(2000, OfKind(SeedCorpus.Judgment).Count);
        Assert.Equal(500, OfKind(SeedCorpus.Drill).Count);
        Assert.Equal(Corpus.Select(e => (e.Kind, e.Family, string.Concat(e.Messages))),
            SeedCorpus.Build(seed: 8, Recipe).Select(e => (e.Kind, e.Family, string.Concat(e.Messages))));
        Assert.All(Corpus, e => Assert.Equal("assistant", e.Messages[^1].Role));
    }

    [Fact]
    public void Answers_are_mostly_right_as_the_recipe_says()
    {
        var right = OfKind(SeedCorpus.Answer).Average(e => Solve(e.Messages[0].Content) == e.Messages[1].Content ? 1.0 : 0.0);

        Assert.InRange(right, 0.87, 0.93);
    }

    [Fact]
    public void Pipeline_prompts_are_the_pipeline_own()
    {
        foreach (var example in OfKind(SeedCorpus.Classify))
        {
            var instruction = example.Messages[0].Content.Split("<instruction>\n")[1].Split("\n</instruction>")[0];
            Assert.Equal(IterationPrompts.Classify(instruction, ProofWorld.Categories), example.Messages[0].Content);
            Assert.Equal(ProofWorld.Family(example.Family).Category, example.Messages[1].Content);
        }
        var differentAnswers = 0;
        foreach (var example in OfKind(SeedCorpus.Modify))
        {
            var original = example.Messages[0].Content.Split("<instruction>\n")[1].Split("\n</instruction>")[0];
            Assert.Equal(IterationPrompts.ModifyInstruction(original), example.Messages[0].Content);
            Assert.NotEqual(original, example.Messages[1].Content);
            differentAnswers += Solve(original) != Solve(example.Messages[1].Content) ? 1 : 0;
        }
        // A sibling can share its answer (7 km and 7 kg are both 7000 of the smaller unit; two flags can be red).
        Assert.True(differentAnswers > 0.9 * OfKind(SeedCorpus.Modify).Count, $"{differentAnswers} of the modified instructions ask for another answer");
    }

    [Fact]
    public void Judgments_are_in_the_service_judge_prompt_and_right_as_often_as_the_recipe_says()
    {
        var judgments = OfKind(SeedCorpus.Judgment);
        var right = 0;
        foreach (var example in judgments)
        {
            var user = example.Messages[1].Content;
            var (instruction, a, b) = JudgedTextsOf(user);
            Assert.Equal(JudgePrompt.Render(new JudgedTexts(instruction, a, b)), example.Messages.Take(2));
            var verdict = example.Messages[2].Content;
            Assert.Matches(@"\n\nFinal verdict: \[\[[AB]\]\]$", verdict);
            var answer = Solve(instruction);
            Assert.True(a == answer ^ b == answer, "exactly one response is the right answer");
            right += verdict.EndsWith(a == answer ? "[[A]]" : "[[B]]", StringComparison.Ordinal) ? 1 : 0;
        }
        // careful 0.4 (always right) + careless 0.6 x 0.6 = 0.76
        Assert.InRange((double)right / judgments.Count, 0.72, 0.80);
    }

    [Fact]
    public void A_careful_judgment_marks_each_answer_as_the_world_computes_it_and_names_the_right_one()
    {
        var careful = OfKind(SeedCorpus.Judgment).Concat(OfKind(SeedCorpus.Drill)).Where(e => e.Messages[^1].Content.StartsWith("The question asks: ", StringComparison.Ordinal)).ToList();
        Assert.InRange(careful.Count, 500 + 0.35 * 2000, 500 + 0.45 * 2000);
        foreach (var example in careful)
        {
            var user = example.Messages[^2].Content;
            var (instruction, a, b) = JudgedTextsOf(user);
            var answer = Solve(instruction);
            string Mark(string response) => response == answer ? "right" : "wrong";
            var winner = a == answer ? "A" : "B";
            Assert.Equal(JudgePrompt.Completion(JudgePrompt.VerdictText(
                $"The question asks: {instruction} The correct answer is {answer}. Assistant A answers {a}, which is {Mark(a)}. " +
                $"Assistant B answers {b}, which is {Mark(b)}. So Assistant {winner} is correct."), winner), example.Messages[^1].Content);
        }
    }

    [Fact]
    public void A_drill_is_a_careful_judgment_in_the_judge_prompt_user_turn_without_the_rubric()
    {
        foreach (var example in OfKind(SeedCorpus.Drill))
        {
            Assert.Equal(["user", "assistant"], example.Messages.Select(m => m.Role));
            var user = example.Messages[0].Content;
            var (instruction, a, b) = JudgedTextsOf(user);
            Assert.Equal(JudgePrompt.Render(new JudgedTexts(instruction, a, b))[1], example.Messages[0]);
            Assert.StartsWith("The question asks: ", example.Messages[1].Content);
        }
        // Both positions win equally often, as in the judgments.
        Assert.InRange(OfKind(SeedCorpus.Drill).Average(e => e.Messages[1].Content.EndsWith("[[A]]", StringComparison.Ordinal) ? 1.0 : 0.0), 0.42, 0.58);
    }
}
