namespace JudgeApi.SelfTaught;

/// <summary>"What is a ∘ b?" with each term drawn from its own range (and a sibling that moves one term a little).</summary>
public sealed class OperationFamily(string name, char symbol, Func<int, int, int> apply, (int Low, int High) first, (int Low, int High) second)
    : WorldFamily
{
    /// <summary>"What is 47 + 38?" with both terms of two digits.</summary>
    public static OperationFamily Addition { get; } = new("addition", '+', (a, b) => a + b, (10, 99), (10, 99));

    /// <summary>"What is 7 * 23?": one digit times two digits.</summary>
    public static OperationFamily Multiplication { get; } = new("multiplication", '*', (a, b) => a * b, (2, 9), (11, 49));

    public override string Name => name;
    public override string Category => ProofWorld.Math;

    public override WorldQuestion Ask(Random random) => Make(random.Next(first.Low, first.High + 1), random.Next(second.Low, second.High + 1));

    public override WorldQuestion Sibling(WorldQuestion question, Random random) => random.Next(2) == 0
        ? Make(Near(question.Operands[0], first.Low, first.High, random), question.Operands[1])
        : Make(question.Operands[0], Near(question.Operands[1], second.Low, second.High, random));

    private WorldQuestion Make(int a, int b) => Question($"What is {a} {symbol} {b}?", apply(a, b).ToString(), a, b);
}

/// <summary>"What is 83 - 27?" with a non-negative result.</summary>
public sealed class SubtractionFamily : WorldFamily
{
    public override string Name => "subtraction";
    public override string Category => ProofWorld.Math;

    public override WorldQuestion Ask(Random random)
    {
        var a = random.Next(20, 100);
        return Make(a, random.Next(10, a));
    }

    public override WorldQuestion Sibling(WorldQuestion question, Random random)
    {
        var (a, b) = (question.Operands[0], question.Operands[1]);
        return random.Next(2) == 0 ? Make(Near(a, b + 1, 99, random), b) : Make(a, Near(b, 10, a - 1, random));
    }

    private WorldQuestion Make(int a, int b) => Question($"What is {a} - {b}?", (a - b).ToString(), a, b);
}

/// <summary>"How many minutes are in 7 hours?": a count of big units in small ones.</summary>
public sealed class ConversionFamily : WorldFamily
{
    /// <summary>(big unit, small unit, small units per big one).</summary>
    public static IReadOnlyList<(string Big, string Small, int Factor)> Units { get; } =
    [
        ("kilometers", "meters", 1000),
        ("meters", "centimeters", 100),
        ("hours", "minutes", 60),
        ("minutes", "seconds", 60),
        ("days", "hours", 24),
        ("kilograms", "grams", 1000),
    ];

    public override string Name => "conversion";
    public override string Category => ProofWorld.Math;

    public override WorldQuestion Ask(Random random) => Make(random.Next(Units.Count), random.Next(2, 20));

    /// <summary>The same quantity of another unit, or another quantity of the same unit.</summary>
    public override WorldQuestion Sibling(WorldQuestion question, Random random) => random.Next(2) == 0
        ? Make((question.Operands[0] + random.Next(1, Units.Count)) % Units.Count, question.Operands[1])
        : Make(question.Operands[0], Near(question.Operands[1], 2, 19, random));

    private WorldQuestion Make(int unit, int count)
    {
        var (big, small, factor) = Units[unit];
        return Question($"How many {small} are in {count} {big}?", (count * factor).ToString(), unit, count);
    }
}
