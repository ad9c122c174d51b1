using JudgeApi.Judging;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.World;

/// <summary>The seed corpus is rendered with the service's and the pipeline's own prompts, and is as noisy as its recipe says.</summary>
public sealed class SeedCorpusTests
{
    private static readonly SeedRecipe Recipe = new(Answers: 3000, WrongAnswerRate: 0.1, Modifications: 400, Classifications: 400, Judgments: 2000,
        CarefulShare: 0.4, CarelessAccuracy: 0.6, Drills: 500, Matches: 600);

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
        Assert.Equal(600, OfKind(SeedCorpus.Match).Count);
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

    [Fact]
    public void A_match_marks_two_numbers_against_the_reference_in_the_prompt_and_holds_no_question()
    {
        var matches = OfKind(SeedCorpus.Match);
        var nearMisses = 0;
        foreach (var example in matches)
        {
            Assert.Equal(["user", "assistant"], example.Messages.Select(m => m.Role));
            var lines = example.Messages[0].Content.Split('\n');
            Assert.Equal(3, lines.Length);
            Assert.Matches(@"^[0-9, ]+$", string.Concat(lines.Select(l => l.Split(": ", 2)[1])));
            var (reference, a, b) = (lines[0]["Reference: ".Length..], lines[1]["A: ".Length..], lines[2]["B: ".Length..]);
            // Exactly one of the two is the reference; the verdict names it, and each mark says whether it is equal.
            Assert.True(a == reference ^ b == reference, $"{reference}: {a} / {b}");
            var winner = a == reference ? "A" : "B";
            string Mark(string answer) => answer == reference ? "right" : "wrong";
            Assert.Equal(JudgePrompt.Completion(JudgePrompt.VerdictText(
                $"The correct answer is {reference}. Assistant A answers {a}, which is {Mark(a)}. Assistant B answers {b}, which is {Mark(b)}. " +
                $"So Assistant {winner} is correct."), winner), example.Messages[1].Content);
            var other = a == reference ? b : a;
            nearMisses += other.Length == reference.Length && other.Zip(reference).Count(p => p.First != p.Second) <= 2
                || (int.TryParse(other, out var o) && int.TryParse(reference, out var r) && Math.Abs(o - r) == 1) ? 1 : 0;
        }
        Assert.InRange(matches.Average(e => e.Messages[1].Content.EndsWith("[[A]]", StringComparison.Ordinal) ? 1.0 : 0.0), 0.42, 0.58);
        // Four in five wrong answers are near misses (a random one of the same form is one now and then).
        Assert.InRange(nearMisses / (double)matches.Count, 0.75, 0.9);
    }

    [Fact]
    public void No_judgment_rejects_an_answer_the_labeled_set_could_reject()
    {
        var judged = OfKind(SeedCorpus.Judgment).Concat(OfKind(SeedCorpus.Drill)).Select(e => JudgedTextsOf(e.Messages[^2].Content)).ToList();
        var sameShape = 0;
        foreach (var (instruction, a, b) in judged)
        {
            var right = Solve(instruction);
            var wrong = a == right ? b : a;
            Assert.False(IsClose(instruction, right, wrong), $"'{instruction}': {wrong} is a close wrong answer to {right}");
            sameShape += WorldQuestion.Shape(wrong) == WorldQuestion.Shape(right) ? 1 : 0;
        }
        // Half take a far answer of their own family, a quarter one of another family's answers that looks the same.
        Assert.True(sameShape > 0.6 * judged.Count, $"{sameShape} of {judged.Count} wrong answers look like the right one");
    }

    /// <summary>
    /// The labeled set's wrong kinds, worked out from the question's text without the families' code: off by one (sums
    /// and counts), two neighbouring digits swapped, the same numbers in another order, or the answer to a sibling (one term moved by at most 9, the other
    /// unit or the other direction, one digit changed, another country's same fact).
    /// </summary>
    private static bool IsClose(string instruction, string right, string wrong)
    {
        static int[] Numbers(string text) => [.. System.Text.RegularExpressions.Regex.Matches(text, "[0-9]+").Select(m => int.Parse(m.Value))];
        var counted = instruction.StartsWith("What is ", StringComparison.Ordinal) || instruction.StartsWith("How many ", StringComparison.Ordinal);
        if (counted && int.TryParse(right, out var r) && int.TryParse(wrong, out var w) && Math.Abs(r - w) == 1)
            return true; // off by one: only for the results of a sum or a count
        var differ = Enumerable.Range(0, Math.Min(right.Length, wrong.Length)).Where(i => right[i] != wrong[i]).ToList();
        if (right.Length == wrong.Length && differ.Count == 2 && differ[1] == differ[0] + 1 && right[differ[0]] == wrong[differ[1]] && right[differ[1]] == wrong[differ[0]])
            return true; // two neighbouring digits swapped
        if (right.Contains(", ") && Numbers(right).Order().SequenceEqual(Numbers(wrong).Order()))
            return true; // the same numbers in another order
        var terms = Numbers(instruction);
        if (instruction.StartsWith("What is ", StringComparison.Ordinal) && terms.Length == 2)
        {
            // The terms' ranges: 10-99 each for +, 2-9 times 11-49 for *, 99 at most minus 10 or more for -.
            var op = instruction.Contains('+') ? '+' : instruction.Contains('*') ? '*' : '-';
            bool Allowed(int x, int y) => op == '+' ? x is >= 10 and <= 99 && y is >= 10 and <= 99
                : op == '*' ? x is >= 2 and <= 9 && y is >= 11 and <= 49 : x <= 99 && y >= 10 && y < x;
            int Apply(int x, int y) => op == '+' ? x + y : op == '*' ? x * y : x - y;
            (int, int)[] siblings = [.. Enumerable.Range(-9, 19).SelectMany(d => new[] { (terms[0] + d, terms[1]), (terms[0], terms[1] + d) })];
            return siblings.Any(t => Allowed(t.Item1, t.Item2) && Apply(t.Item1, t.Item2).ToString() == wrong);
        }
        if (instruction.StartsWith("How many ", StringComparison.Ordinal))
        {
            int[] factors = [1000, 100, 60, 24];
            var factor = int.Parse(right) / terms[0];
            return factors.Any(f => (terms[0] * f).ToString() == wrong)
                || Enumerable.Range(-9, 19).Select(d => terms[0] + d).Any(n => n is >= 2 and <= 19 && (n * factor).ToString() == wrong);
        }
        if (instruction.StartsWith("Which number", StringComparison.Ordinal))
            return terms.Any(t => t.ToString() == wrong);
        if (instruction.StartsWith("Write the digits", StringComparison.Ordinal))
            return wrong.Length == right.Length && wrong.Zip(right).Count(p => p.First != p.Second) == 1;
        if (instruction.Contains("capital of", StringComparison.Ordinal))
            return LookupFamily.Table.Any(t => t.Capital == wrong);
        if (instruction.Contains("flag of", StringComparison.Ordinal))
            return LookupFamily.Table.Any(t => t.Color == wrong);
        return false;
    }
}
