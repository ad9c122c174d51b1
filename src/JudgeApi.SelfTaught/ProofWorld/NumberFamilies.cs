namespace JudgeApi.SelfTaught;

/// <summary>"Which number is larger: 473 or 437?" with two different three-digit numbers.</summary>
public sealed class ComparisonFamily : WorldFamily
{
    public override string Name => "comparison";
    public override string Category => ProofWorld.Reasoning;

    // Off by one is not one of the two numbers asked about: too easy to be a plausible mistake.
    public override IReadOnlyList<WrongAnswerKind> WrongKinds { get; } = [WrongAnswerKind.SwappedDigits, WrongAnswerKind.Sibling];

    public override WorldQuestion Ask(Random random)
    {
        var a = random.Next(100, 1000);
        var b = random.Next(100, 999);
        return Make(a, b >= a ? b + 1 : b, larger: 1);
    }

    /// <summary>The other question about the same two numbers: which is smaller (the sibling answer is the other number).</summary>
    public override WorldQuestion Sibling(WorldQuestion question, Random random) =>
        Make(question.Operands[0], question.Operands[1], larger: 1 - question.Operands[2]);

    private WorldQuestion Make(int a, int b, int larger) => larger == 1
        ? Question($"Which number is larger: {a} or {b}?", Math.Max(a, b).ToString(), a, b, 1)
        : Question($"Which number is smaller: {a} or {b}?", Math.Min(a, b).ToString(), a, b, 0);
}

/// <summary>"Sort these numbers from smallest to largest: 52, 17, 38." with three different two-digit numbers.</summary>
public sealed class SortingFamily : WorldFamily
{
    public override string Name => "sorting";
    public override string Category => ProofWorld.Reasoning;

    public override IReadOnlyList<WrongAnswerKind> WrongKinds { get; } = [WrongAnswerKind.SwappedDigits, WrongAnswerKind.Sibling];

    public override WorldQuestion Ask(Random random)
    {
        var numbers = new HashSet<int>();
        while (numbers.Count < 3)
            numbers.Add(random.Next(10, 100));
        return Make([.. numbers], ascending: 1);
    }

    /// <summary>The same numbers the other way round.</summary>
    public override WorldQuestion Sibling(WorldQuestion question, Random random) =>
        Make([.. question.Operands.Take(3)], ascending: 1 - question.Operands[3]);

    /// <summary>Swapped digits here means two neighbouring numbers in the wrong order.</summary>
    public override string? Wrong(WorldQuestion question, WrongAnswerKind kind, Random random)
    {
        if (kind != WrongAnswerKind.SwappedDigits)
            return base.Wrong(question, kind, random);
        var sorted = question.Answer.Split(", ");
        var at = random.Next(sorted.Length - 1);
        (sorted[at], sorted[at + 1]) = (sorted[at + 1], sorted[at]);
        return string.Join(", ", sorted);
    }

    private WorldQuestion Make(int[] numbers, int ascending)
    {
        var sorted = ascending == 1 ? numbers.Order() : numbers.OrderDescending();
        var direction = ascending == 1 ? "from smallest to largest" : "from largest to smallest";
        return Question($"Sort these numbers {direction}: {string.Join(", ", numbers)}.", string.Join(", ", sorted), [.. numbers, ascending]);
    }
}

/// <summary>"Write the digits of 5821 in reverse order." with three to five digits, none of them 0.</summary>
public sealed class ReversalFamily : WorldFamily
{
    public override string Name => "reversal";
    public override string Category => ProofWorld.Writing;

    // The sibling of a reversal is a reversal of a nearby number; the unreversed number is a mistake too.
    public override IReadOnlyList<WrongAnswerKind> WrongKinds { get; } = [WrongAnswerKind.SwappedDigits, WrongAnswerKind.Sibling];

    public override WorldQuestion Ask(Random random)
    {
        var digits = random.Next(3, 6);
        var number = 0;
        for (var i = 0; i < digits; i++)
            number = number * 10 + random.Next(1, 10);
        return Make(number);
    }

    /// <summary>The same number with one digit changed.</summary>
    public override WorldQuestion Sibling(WorldQuestion question, Random random)
    {
        var digits = question.Operands[0].ToString().ToCharArray();
        var at = random.Next(digits.Length);
        digits[at] = (char)('1' + (digits[at] - '1' + random.Next(1, 9)) % 9);
        return Make(int.Parse(new string(digits)));
    }

    private WorldQuestion Make(int number)
    {
        var digits = number.ToString().ToCharArray();
        Array.Reverse(digits);
        return Question($"Write the digits of {number} in reverse order.", new string(digits), number);
    }
}
