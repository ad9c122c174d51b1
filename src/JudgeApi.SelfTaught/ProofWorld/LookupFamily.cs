namespace JudgeApi.SelfTaught;

/// <summary>
/// Look-ups in the world's fact table: "What is the capital of Varnia?", "What color is the flag of Varnia?". The
/// table is part of the world, the same for every seed: the seed model learns all of it as its knowledge.
/// </summary>
public sealed class LookupFamily : WorldFamily
{
    private const int Countries = 40;

    /// <summary>Seeds the table only: changing it makes another world.</summary>
    private const int TableSeed = 1207;

    private static readonly string[] Colors = ["red", "blue", "green", "yellow", "white", "black", "orange", "purple"];

    public override string Name => "lookup";
    public override string Category => ProofWorld.Knowledge;

    public override IReadOnlyList<WrongAnswerKind> WrongKinds { get; } = [WrongAnswerKind.Sibling];

    /// <summary>(country, capital, flag color) of every country, in table order.</summary>
    public static IReadOnlyList<(string Country, string Capital, string Color)> Table { get; } = BuildTable();

    public override WorldQuestion Ask(Random random) => Make(random.Next(Countries), random.Next(2));

    /// <summary>The same relation of another country.</summary>
    public override WorldQuestion Sibling(WorldQuestion question, Random random) =>
        Make((question.Operands[0] + random.Next(1, Countries)) % Countries, question.Operands[1]);

    private WorldQuestion Make(int country, int relation)
    {
        var (name, capital, color) = Table[country];
        return relation == 0
            ? Question($"What is the capital of {name}?", capital, country, relation)
            : Question($"What color is the flag of {name}?", color, country, relation);
    }

    private static List<(string, string, string)> BuildTable()
    {
        string[] onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"];
        string[] vowels = ["a", "e", "i", "o", "u"];
        string[] codas = ["", "", "n", "r", "l", "k"];
        var random = new Random(TableSeed);
        var used = new HashSet<string>(StringComparer.Ordinal);
        string Word(int syllables)
        {
            while (true)
            {
                var word = string.Concat(Enumerable.Range(0, syllables).Select(_ => onsets[random.Next(onsets.Length)] + vowels[random.Next(vowels.Length)]))
                    + codas[random.Next(codas.Length)];
                if (used.Add(word))
                    return word;
            }
        }
        static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];
        return Enumerable.Range(0, Countries)
            .Select(_ => (Capitalized(Word(3)), Capitalized(Word(2)), Colors[random.Next(Colors.Length)])).ToList();
    }
}
