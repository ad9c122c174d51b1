using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Training;

namespace JudgeApi.SelfTaught;

/// <summary>
/// How much of each kind of example the seed model's corpus holds, and how noisy it is (about 4.9M tokens, most of them
/// in the judgments' long prompts, the drills and the matches: 13 minutes with the dev report on two threads of a
/// quiet machine at about 6,400 tokens/s; a slower machine goes over the 15-minute budget). The judgments are
/// from a different distribution than the labeled set: the rejected answer there is never a close one, but the answer to
/// a question of another family (<see cref="SameShapeShare"/> of them from a family whose answers look the same, a
/// number against a number) or a far answer of the same family. Most reason carefully (restate the
/// question, state the right answer, compare, name the winner the verdict then repeats); the rest are careless (no
/// reasoning about the answer, a verdict right only <see cref="CarelessAccuracy"/> of the time), as a corpus of
/// judgments from many annotators would be. A careful judgment marks each answer right or wrong before it names the
/// winner: a small model learns two local decisions far sooner than one comparison of the verdict with a number
/// written earlier (with the verdict alone, the previous recipes' judges named one position whatever they wrote).
/// <see cref="SameFamilyShare"/> of the judgments and drills instead take the wrong answer from another question of
/// the same family that is far from the right one (never an answer the labeled set's wrong kinds could
/// make for the question), so that telling the answers apart by their look is not enough.
/// <see cref="Drills"/> are careful judgments of the same kind in the judge prompt's user turn without the rubric
/// (about 120 tokens against about 540): cheap practice at copying the question and the answers and marking them, which
/// the judgments in the service's full prompt then use. <see cref="Matches"/> practise the one step the judgments
/// could not teach (with only far wrong answers the seed judge's marks agreed with its own stated answer on 53% of the
/// loop's pairs): the same sentences marking two answers against a reference answer given in a three-line prompt, on
/// random numbers of one to four digits or lists of three and no question, where the wrong one is mostly a near miss (a
/// digit changed or two swapped, one more or less), so that only an exact comparison marks them right; it takes tens
/// of thousands of them (<c>bench/run.sh equality</c>). They hold no world question, so no judgment of the labeled
/// set's distribution. Tuned on the world's dev half (the seed judge's figures in <c>create-proof-model</c>'s report),
/// never on the labeled test half.
/// </summary>
public sealed record SeedRecipe(
    int Answers = 18_000,
    double WrongAnswerRate = 0.08,
    int Modifications = 1_500,
    int Classifications = 800,
    int Judgments = 2_400,
    double CarefulShare = 0.9,
    double CarelessAccuracy = 0.6,
    double SameShapeShare = 0.5,
    int Drills = 6_000,
    double SameFamilyShare = 0.5,
    int Matches = 30_000)
{
    /// <summary>A recipe a test can train in well under two minutes: the answer families only, no judgments.</summary>
    public static SeedRecipe Reduced { get; } = new(Answers: 3_000, Modifications: 0, Classifications: 0, Judgments: 0, Drills: 0, Matches: 0);
}

/// <summary>One example of the seed corpus and what kind it is (answer, modify, classify, judgment, drill, match).</summary>
public sealed record SeedExample(string Kind, string Family, IReadOnlyList<ChatMessage> Messages)
{
    public TrainingExample ToTrainingExample() => new(Messages);
}

/// <summary>
/// Renders the seed model's corpus from the world, exactly as the service renders prompts: answers to the plain
/// instruction (the pipeline's response prompt), the pipeline's modify-instruction and classify prompts, and
/// judgments in the service's judge prompt with <see cref="JudgePrompt.Completion"/> (reasoning, then the verdict line) as the assistant turn.
/// Only questions open to the corpus are used (<see cref="ProofWorld.AskForCorpus"/>), so no labeled pair is in it.
/// Deterministic for a seed; the kinds are interleaved.
/// </summary>
public static class SeedCorpus
{
    public const string Answer = "answer", Modify = "modify", Classify = "classify", Judgment = "judgment", Drill = "drill", Match = "match";

    private static readonly string[] CarelessReasoning =
    [
        "Both assistants give a short answer to the question.",
        "Assistant A and Assistant B both reply directly.",
        "The two answers look equally plausible at a glance.",
        "Each assistant answers briefly without explanation.",
    ];

    public static IReadOnlyList<SeedExample> Build(int seed, SeedRecipe recipe)
    {
        var random = new Random(seed);
        var kinds = new List<string>();
        kinds.AddRange(Enumerable.Repeat(Answer, recipe.Answers));
        kinds.AddRange(Enumerable.Repeat(Modify, recipe.Modifications));
        kinds.AddRange(Enumerable.Repeat(Classify, recipe.Classifications));
        kinds.AddRange(Enumerable.Repeat(Judgment, recipe.Judgments));
        kinds.AddRange(Enumerable.Repeat(Drill, recipe.Drills));
        kinds.AddRange(Enumerable.Repeat(Match, recipe.Matches));
        var order = kinds.ToArray();
        random.Shuffle(order);

        var families = ProofWorld.Families;
        return order.Select((kind, i) =>
        {
            var family = families[i % families.Count];
            var question = ProofWorld.AskForCorpus(family, random);
            var messages = kind switch
            {
                Answer => AnswerExample(family, question, recipe.WrongAnswerRate, random),
                Modify => Chat(IterationPrompts.ModifyInstruction(question.Instruction), DifferentSibling(family, question, random).Instruction),
                Classify => Chat(IterationPrompts.Classify(question.Instruction, ProofWorld.Categories), question.Category),
                Drill => DrillExample(question, recipe, random),
                Match => MatchExample(random),
                _ => JudgmentExample(question, recipe, random),
            };
            return new SeedExample(kind, family.Name, messages);
        }).ToList();
    }

    private static IReadOnlyList<ChatMessage> AnswerExample(WorldFamily family, WorldQuestion question, double wrongRate, Random random)
    {
        var answer = question.Answer;
        if (random.NextDouble() < wrongRate)
            answer = family.Wrong(question, family.WrongKinds[random.Next(family.WrongKinds.Count)], random) ?? answer;
        return Chat(IterationPrompts.Response(question.Instruction), answer);
    }

    private static WorldQuestion DifferentSibling(WorldFamily family, WorldQuestion question, Random random)
    {
        var sibling = family.Sibling(question, random);
        return sibling.Instruction == question.Instruction ? family.Sibling(question, random) : sibling;
    }

    /// <summary>A careful judgment in the judge prompt's user turn alone (no rubric).</summary>
    private static IReadOnlyList<ChatMessage> DrillExample(WorldQuestion question, SeedRecipe recipe, Random random)
    {
        var judgment = JudgmentExample(question, recipe with { CarefulShare = 1 }, random);
        return [judgment[1], judgment[2]];
    }

    /// <summary>
    /// A reference answer and two answers, one of them the reference, the other (four times in five) a near miss of it,
    /// marked in a careful judgment's sentences. The texts are random numbers of one to four digits (each length as
    /// often: the short ones are learned first, as <c>bench/run.sh equality</c> measures) or lists of three; a match
    /// draws its own question-free texts, so the family it is listed under means nothing.
    /// </summary>
    private static IReadOnlyList<ChatMessage> MatchExample(Random random)
    {
        var reference = RandomAnswer(random);
        string other;
        do
            other = random.Next(5) < NearMissesInFive ? NearMiss(reference, random) : RandomAnswer(random);
        while (other == reference);
        var referenceFirst = random.Next(2) == 0;
        var (a, b) = referenceFirst ? (reference, other) : (other, reference);
        var right = referenceFirst ? JudgePrompt.LabelA : JudgePrompt.LabelB;
        var reasoning = $"The correct answer is {reference}. Assistant A answers {a}, which is {Mark(a, reference)}. " +
            $"Assistant B answers {b}, which is {Mark(b, reference)}. So Assistant {right} is correct.";
        return Chat($"Reference: {reference}\nA: {a}\nB: {b}", JudgePrompt.Completion(JudgePrompt.VerdictText(reasoning), right));
    }

    /// <summary>A random number of one to four digits (each length as often), or, one time in five, three two-digit numbers.</summary>
    private static string RandomAnswer(Random random)
    {
        if (random.Next(5) == 0)
            return string.Join(", ", Enumerable.Range(0, 3).Select(_ => random.Next(10, 100)));
        var top = (int)Math.Pow(10, random.Next(1, 5));
        return random.Next(top / 10, top).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How many wrong answers in five of a match (and of the equality probe) are a near miss.</summary>
    internal const int NearMissesInFive = 4;

    /// <summary>
    /// The text with one digit changed, two neighbouring digits swapped, or (a number) one more or less: the kinds of
    /// difference a careless look misses. May return the text itself (a swap of two equal digits); the caller draws again.
    /// </summary>
    internal static string NearMiss(string text, Random random)
    {
        var chars = text.ToCharArray();
        var at = random.Next(chars.Length);
        switch (random.Next(3))
        {
            case 0 when int.TryParse(text, out var number):
                return (number + (random.Next(2) == 0 ? 1 : -1)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case 1 when at + 1 < chars.Length && char.IsDigit(chars[at]) && char.IsDigit(chars[at + 1]):
                (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                return new string(chars);
            default:
                if (char.IsDigit(chars[at]))
                    chars[at] = (char)('0' + random.Next(10));
                return new string(chars);
        }
    }

    /// <summary>
    /// A judgment of the right answer against a far answer of the same family (<see cref="SeedRecipe.SameFamilyShare"/>
    /// of the time) or the answer to a question of another family (of the same shape, <see cref="SeedRecipe.SameShapeShare"/> of those).
    /// </summary>
    private static IReadOnlyList<ChatMessage> JudgmentExample(WorldQuestion question, SeedRecipe recipe, Random random)
    {
        var close = CloseAnswers(question);
        var other = recipe.SameFamilyShare > 0 && random.NextDouble() < recipe.SameFamilyShare ? FarAnswer(question, close, random) : null;
        if (other is null)
        {
            var families = ProofWorld.Families.Where(f => f.Name != question.Family).ToList();
            var sameShape = random.NextDouble() < recipe.SameShapeShare;
            for (var tries = 0; ; tries++)
            {
                other = ProofWorld.AskForCorpus(families[random.Next(families.Count)], random).Answer;
                // A family whose answers no other family shares (a look-up's word) takes any other answer after a few tries.
                // Another family's answer can be a close one by chance (94 for 51 + 45 is also 49 + 45).
                if (!close.Contains(other) && (!sameShape || tries >= 16 || WorldQuestion.Shape(other) == WorldQuestion.Shape(question.Answer)))
                    break;
            }
        }
        var chosenFirst = random.Next(2) == 0;
        var (a, b) = chosenFirst ? (question.Answer, other) : (other, question.Answer);
        var right = chosenFirst ? JudgePrompt.LabelA : JudgePrompt.LabelB;
        var wrong = chosenFirst ? JudgePrompt.LabelB : JudgePrompt.LabelA;

        string reasoning, label;
        if (random.NextDouble() < recipe.CarefulShare)
        {
            reasoning = $"The question asks: {question.Instruction} The correct answer is {question.Answer}. " +
                $"Assistant A answers {a}, which is {Mark(a, question.Answer)}. Assistant B answers {b}, which is {Mark(b, question.Answer)}. " +
                $"So Assistant {right} is correct.";
            label = right;
        }
        else
        {
            reasoning = CarelessReasoning[random.Next(CarelessReasoning.Length)];
            label = random.NextDouble() < recipe.CarelessAccuracy ? right : wrong;
        }
        return [.. JudgePrompt.Render(new JudgedTexts(question.Instruction, a, b)), new ChatMessage("assistant", JudgePrompt.Completion(JudgePrompt.VerdictText(reasoning), label))];
    }

    /// <summary>
    /// The answer to another corpus question of the same family that none of the family's wrong kinds could make for
    /// this question (<paramref name="close"/>): the labeled set's wrong answers are close ones, and no corpus judgment
    /// may hold one. Null when a few tries find none (a look-up's other countries are all sibling answers).
    /// </summary>
    private static string? FarAnswer(WorldQuestion question, HashSet<string> close, Random random)
    {
        var family = ProofWorld.Family(question.Family);
        for (var tries = 0; tries < 8; tries++)
        {
            var other = ProofWorld.AskForCorpus(family, random).Answer;
            if (!close.Contains(other))
                return other;
        }
        return null;
    }

    /// <summary>
    /// Every answer the family's wrong kinds make for <paramref name="question"/>, and the right one, found by drawing
    /// each kind many times (a question has at most a few dozen siblings and a handful of near misses; a fixed seed
    /// keeps the corpus deterministic).
    /// </summary>
    private static HashSet<string> CloseAnswers(WorldQuestion question)
    {
        var family = ProofWorld.Family(question.Family);
        var random = new Random(1);
        var close = new HashSet<string>(StringComparer.Ordinal) { question.Answer };
        foreach (var kind in family.WrongKinds)
            for (var draw = 0; draw < 400; draw++)
                if (family.Wrong(question, kind, random) is { } wrong)
                    close.Add(wrong);
        return close;
    }

    private static string Mark(string answer, string right) => answer == right ? "right" : "wrong";

    private static IReadOnlyList<ChatMessage> Chat(string user, string assistant) =>
        [new ChatMessage("user", user), new ChatMessage("assistant", assistant)];
}
