using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.World;

/// <summary>The world's answers against a computation written apart from it, and the split between the labeled set and everything else.</summary>
public sealed partial class ProofWorldTests
{
    private static readonly IReadOnlyList<WorldQuestion> PoolQuestions = ProofWorld.Pool(seed: 1, count: 3000);
    private static readonly IReadOnlyList<LabeledPair> Labeled = ProofWorld.LabeledSet(seed: 2, count: 600);

    /// <summary>Reads the question back from its text and answers it without the family's code.</summary>
    internal static string Solve(string instruction)
    {
        if (Arithmetic().Match(instruction) is { Success: true } m)
        {
            var (a, b) = (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[3].Value));
            return (m.Groups[2].Value switch { "+" => a + b, "-" => a - b, _ => a * b }).ToString(CultureInfo.InvariantCulture);
        }
        if (Conversion().Match(instruction) is { Success: true } c)
        {
            var factor = (c.Groups[1].Value, c.Groups[3].Value) switch
            {
                ("meters", "kilometers") or ("grams", "kilograms") => 1000,
                ("centimeters", "meters") => 100,
                ("minutes", "hours") or ("seconds", "minutes") => 60,
                ("hours", "days") => 24,
                var units => throw new InvalidOperationException($"unexpected units {units}"),
            };
            return (int.Parse(c.Groups[2].Value) * factor).ToString(CultureInfo.InvariantCulture);
        }
        if (Comparison().Match(instruction) is { Success: true } k)
        {
            var (a, b) = (int.Parse(k.Groups[2].Value), int.Parse(k.Groups[3].Value));
            return (k.Groups[1].Value == "larger" ? Math.Max(a, b) : Math.Min(a, b)).ToString(CultureInfo.InvariantCulture);
        }
        if (Sorting().Match(instruction) is { Success: true } s)
        {
            var numbers = s.Groups[2].Value.Split(", ").Select(int.Parse).ToList();
            numbers.Sort();
            if (s.Groups[1].Value == "largest to smallest")
                numbers.Reverse();
            return string.Join(", ", numbers);
        }
        if (Reversal().Match(instruction) is { Success: true } r)
            return new string(r.Groups[1].Value.Reverse().ToArray());
        if (Lookup().Match(instruction) is { Success: true } l)
        {
            var row = LookupFamily.Table.Single(t => t.Country == l.Groups[2].Value);
            return l.Groups[1].Value == "is the capital of" ? row.Capital : row.Color;
        }
        throw new InvalidOperationException($"No solver reads '{instruction}'.");
    }

    [Fact]
    public void Every_answer_of_every_family_is_right()
    {
        var random = new Random(5);
        foreach (var family in ProofWorld.Families)
        {
            for (var i = 0; i < 500; i++)
            {
                var question = family.Ask(random);
                Assert.Equal(Solve(question.Instruction), question.Answer);
                var sibling = family.Sibling(question, random);
                Assert.Equal(Solve(sibling.Instruction), sibling.Answer);
                Assert.NotEqual(question.Instruction, sibling.Instruction);
                Assert.Equal(family.Name, question.Family);
                Assert.Contains(question.Category, ProofWorld.Categories);
            }
        }
    }

    [Fact]
    public void Labeled_pairs_prefer_a_right_answer_over_a_close_wrong_one()
    {
        foreach (var pair in Labeled)
        {
            Assert.Equal(Solve(pair.Prompt), pair.Chosen);
            Assert.NotEqual(pair.Chosen, pair.Rejected);
            Assert.Equal(ProofWorld.Family(pair.Subset!).Ask(new Random(0)).Family, pair.Subset);
        }
        // Close means of the same kind: a number for a number, a list of three for a list of three, a word for a word.
        Assert.All(Labeled, p => Assert.Equal(WorldQuestion.Shape(p.Chosen), WorldQuestion.Shape(p.Rejected)));
        Assert.Equal(ProofWorld.Families.Select(f => f.Name).Order(), Labeled.Select(p => p.Subset!).Distinct().Order());
        Assert.Equal(Labeled.Count, Labeled.Select(p => p.Prompt).Distinct().Count());
    }

    [Fact]
    public void The_labeled_set_is_disjoint_from_every_pool_and_from_the_seed_corpus()
    {
        var prompts = Labeled.Select(p => p.Prompt).ToHashSet();
        var otherPool = ProofWorld.Pool(seed: 99, count: 3000);
        Assert.DoesNotContain(PoolQuestions.Concat(otherPool), q => prompts.Contains(q.Instruction));

        // The corpus learns the fact table whole, but no question of the other families, and no labeled pair as a judgment.
        var corpus = SeedCorpus.Build(seed: 3, new SeedRecipe(Answers: 4000, Modifications: 400, Classifications: 200, Judgments: 800));
        var answered = corpus.Where(e => e.Kind == SeedCorpus.Answer).Select(e => e.Messages[0].Content).ToHashSet();
        Assert.DoesNotContain(Labeled.Where(p => p.Subset != "lookup"), p => answered.Contains(p.Prompt));
        var judged = corpus.Where(e => e.Kind == SeedCorpus.Judgment).Select(e => e.Messages[1].Content).ToList();
        Assert.DoesNotContain(Labeled, p => judged.Any(user => user.Contains(p.Chosen, StringComparison.Ordinal) && user.Contains(p.Rejected, StringComparison.Ordinal)
            && user.Contains(p.Prompt, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_dev_set_never_asks_what_the_labeled_set_asks()
    {
        var prompts = Labeled.Select(p => p.Prompt).ToHashSet();
        var dev = ProofWorld.DevSet(seed: 2, count: 600);

        Assert.DoesNotContain(dev, p => prompts.Contains(p.Prompt));
        Assert.DoesNotContain(ProofWorld.DevQuestions(seed: 7, count: 600), q => prompts.Contains(q.Instruction));
        Assert.All(dev, p => Assert.Equal(Solve(p.Prompt), p.Chosen));
    }

    [Fact]
    public void Same_seed_same_world_other_seed_other_questions()
    {
        Assert.Equal(PoolQuestions.Select(q => q.Instruction), ProofWorld.Pool(seed: 1, count: 3000).Select(q => q.Instruction));
        Assert.Equal(Labeled, ProofWorld.LabeledSet(seed: 2, count: 600));
        Assert.NotEqual(Labeled.Select(p => p.Prompt), ProofWorld.LabeledSet(seed: 4, count: 600).Select(p => p.Prompt));
        Assert.Equal(PoolQuestions.Count, PoolQuestions.Select(q => q.Instruction).Distinct().Count());
    }

    [Fact]
    public void Files_are_in_the_import_and_reward_bench_formats()
    {
        using var dir = new TempDirectory();
        var poolPath = Path.Combine(dir.Path, "pool.jsonl");
        var labeledPath = Path.Combine(dir.Path, "labeled.jsonl");
        ProofWorld.WritePool(poolPath, PoolQuestions.Take(20));
        ProofWorld.WriteLabeledSet(labeledPath, Labeled.Take(20));

        var imported = InstructionImportParser.ParseNdjson(File.ReadAllText(poolPath));
        Assert.Empty(imported.Rejected);
        Assert.Equal(PoolQuestions.Take(20).Select(q => q.Instruction), imported.Entries.Select(e => e.Instruction));
        Assert.All(imported.Entries, e => Assert.Null(e.Category));
        Assert.Equal(Labeled.Take(20), LabeledSetFile.Read(labeledPath));
        Assert.All(File.ReadLines(labeledPath), line => Assert.Equal(4, JsonDocument.Parse(line).RootElement.EnumerateObject().Count()));
    }

    [GeneratedRegex(@"^What is (\d+) ([-+*]) (\d+)\?$")]
    private static partial Regex Arithmetic();

    [GeneratedRegex(@"^How many (\w+) are in (\d+) (\w+)\?$")]
    private static partial Regex Conversion();

    [GeneratedRegex(@"^Which number is (larger|smaller): (\d+) or (\d+)\?$")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"^Sort these numbers from (smallest to largest|largest to smallest): ([\d, ]+)\.$")]
    private static partial Regex Sorting();

    [GeneratedRegex(@"^Write the digits of (\d+) in reverse order\.$")]
    private static partial Regex Reversal();

    [GeneratedRegex(@"^What (is the capital of|color is the flag of) (\w+)\?$")]
    private static partial Regex Lookup();
}
