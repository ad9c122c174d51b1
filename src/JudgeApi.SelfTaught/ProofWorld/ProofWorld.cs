using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JudgeApi.Llama.IO;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The proof world: task families whose answers a program computes, small enough for a model trained here. For any
/// seed it writes an unlabeled instruction pool (the import format of <c>POST /instructions</c>) and a labeled set
/// (RewardBench JSONL: <c>prompt</c>, <c>chosen</c> = the right answer, <c>rejected</c> = a plausible wrong one,
/// <c>subset</c> = the family). The questions are split once, by a hash of their text: one in five is reserved for
/// labeled sets, so no labeled question is ever in a pool, nor in the seed model's corpus (look-ups excepted there:
/// the fact table is the world's knowledge, which the seed model learns whole; see <see cref="AskForCorpus"/>). The
/// reserved questions are split again in two halves: the test half (<see cref="LabeledSet"/>, the experiment's
/// labeled set: never trained or tuned on) and the dev half (<see cref="DevSet"/>, for reporting on and choosing the
/// seed recipe).
/// </summary>
public static class ProofWorld
{
    public const string Math = "math", Reasoning = "reasoning", Writing = "writing", Knowledge = "knowledge";

    /// <summary>The pipeline categories of the world, in the order the service must be configured with (they are in the classify prompt).</summary>
    public static IReadOnlyList<string> Categories { get; } = [Math, Reasoning, Writing, Knowledge];

    public static IReadOnlyList<WorldFamily> Families { get; } =
    [
        OperationFamily.Addition, new SubtractionFamily(), OperationFamily.Multiplication, new ConversionFamily(),
        new ComparisonFamily(), new SortingFamily(), new ReversalFamily(), new LookupFamily(),
    ];

    public static WorldFamily Family(string name) => Families.Single(f => f.Name == name);

    /// <summary>True for the questions reserved for the labeled set (one in five, by a hash of the text).</summary>
    public static bool IsLabeledOnly(WorldQuestion question) => Hash(question) % 5 == 0;

    private static bool IsTest(WorldQuestion question) => IsLabeledOnly(question) && Hash(question) / 5 % 2 == 0;

    private static bool IsDev(WorldQuestion question) => IsLabeledOnly(question) && Hash(question) / 5 % 2 == 1;

    private static uint Hash(WorldQuestion question) => BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(question.Instruction)));

    /// <summary>A question of one family from the part of the world a pool may use (never a labeled-only one).</summary>
    public static WorldQuestion AskOpen(WorldFamily family, Random random) => Ask(family, random, q => !IsLabeledOnly(q));

    /// <summary>
    /// A question for the seed model's corpus: an open one, or any look-up (the facts are what the model knows; the
    /// labeled set asks about them with close wrong answers, which no corpus judgment has).
    /// </summary>
    public static WorldQuestion AskForCorpus(WorldFamily family, Random random) => Ask(family, random, q => q.Family == "lookup" || !IsLabeledOnly(q));

    private static WorldQuestion Ask(WorldFamily family, Random random, Func<WorldQuestion, bool> allowed)
    {
        while (true)
        {
            var question = family.Ask(random);
            if (allowed(question))
                return question;
        }
    }

    /// <summary><paramref name="count"/> different pool instructions, the families taking turns.</summary>
    public static IReadOnlyList<WorldQuestion> Pool(int seed, int count) => Distinct(count, new Random(seed), AskOpen);

    /// <summary>
    /// <paramref name="count"/> labeled pairs of the test half with different prompts, the families taking turns and
    /// each family's wrong kinds taking turns within it.
    /// </summary>
    public static IReadOnlyList<LabeledPair> LabeledSet(int seed, int count) => Labeled(seed, count, IsTest);

    /// <summary>The same from the dev half: disjoint from every <see cref="LabeledSet"/>.</summary>
    public static IReadOnlyList<LabeledPair> DevSet(int seed, int count) => Labeled(seed, count, IsDev);

    /// <summary>Questions of the dev half (their answers measure the seed model's answer accuracy).</summary>
    public static IReadOnlyList<WorldQuestion> DevQuestions(int seed, int count) => Distinct(count, new Random(seed), (family, r) => Ask(family, r, IsDev));

    private static List<LabeledPair> Labeled(int seed, int count, Func<WorldQuestion, bool> half)
    {
        var random = new Random(seed);
        var turns = new Dictionary<string, int>(StringComparer.Ordinal);
        var questions = Distinct(count, random, (family, r) => Ask(family, r, half));
        return questions.Select(question =>
        {
            var family = Family(question.Family);
            var turn = turns[question.Family] = turns.GetValueOrDefault(question.Family) + 1;
            for (var attempt = 0; ; attempt++)
            {
                var kind = family.WrongKinds[(turn + attempt) % family.WrongKinds.Count];
                if (family.Wrong(question, kind, random) is { } wrong)
                    return new LabeledPair(question.Instruction, question.Answer, wrong, question.Family);
            }
        }).ToList();
    }

    /// <summary>Writes the pool as NDJSON lines <c>{"instruction": …}</c> (no category: the pipeline classifies them with the model).</summary>
    public static void WritePool(string path, IEnumerable<WorldQuestion> pool) =>
        WriteLines(path, pool.Select(q => JsonSerializer.Serialize(new { instruction = q.Instruction })));

    /// <summary>Writes labeled pairs as RewardBench JSONL.</summary>
    public static void WriteLabeledSet(string path, IEnumerable<LabeledPair> pairs) =>
        WriteLines(path, pairs.Select(p => JsonSerializer.Serialize(new { prompt = p.Prompt, chosen = p.Chosen, rejected = p.Rejected, subset = p.Subset })));

    private static List<WorldQuestion> Distinct(int count, Random random, Func<WorldFamily, Random, WorldQuestion> ask)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var questions = new List<WorldQuestion>(count);
        for (var turn = 0; questions.Count < count; turn++)
        {
            if (turn > 100 * (count + Families.Count))
                throw new ArgumentOutOfRangeException(nameof(count), count, "The world has fewer different questions than asked for.");
            var question = ask(Families[turn % Families.Count], random);
            if (seen.Add(question.Instruction))
                questions.Add(question);
        }
        return questions;
    }

    private static void WriteLines(string path, IEnumerable<string> lines) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            foreach (var line in lines)
                writer.WriteLine(line);
        });
}
