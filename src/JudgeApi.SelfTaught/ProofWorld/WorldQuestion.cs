namespace JudgeApi.SelfTaught;

/// <summary>
/// A question of the proof world and its one right answer, computed by the family that asked it. Operands are what
/// the question was made from, so that a family can ask a sibling question or build a plausible wrong answer.
/// </summary>
public sealed partial record WorldQuestion(string Family, string Category, string Instruction, string Answer, IReadOnlyList<int> Operands)
{
    /// <summary>The form of an answer: each number is "9", each word "a" ("17, 38, 52" is "9, 9, 9"), the rest kept.</summary>
    public static string Shape(string answer) => Words().Replace(Numbers().Replace(answer, "9"), "a");

    [System.Text.RegularExpressions.GeneratedRegex("[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex Numbers();

    [System.Text.RegularExpressions.GeneratedRegex("[A-Za-z]+")]
    private static partial System.Text.RegularExpressions.Regex Words();
}

/// <summary>
/// The wrong answers of the labeled set: close to the right one, as a weak judge's mistakes are (after RewardBench's
/// hard subsets). <see cref="Sibling"/> is the right answer to a related but different question, which is exactly
/// what the pipeline's y_l is.
/// </summary>
public enum WrongAnswerKind
{
    OffByOne,
    SwappedDigits,
    Sibling,
}

/// <summary>
/// One task family: asks questions, computes their answers, asks a related but different question (what the
/// modify-instruction prompt should produce) and makes plausible wrong answers.
/// </summary>
public abstract class WorldFamily
{
    public abstract string Name { get; }

    /// <summary>The pipeline category it belongs to (one of <see cref="ProofWorld.Categories"/>).</summary>
    public abstract string Category { get; }

    public abstract WorldQuestion Ask(Random random);

    /// <summary>A question of the same form that asks for something else (its answer differs).</summary>
    public abstract WorldQuestion Sibling(WorldQuestion question, Random random);

    /// <summary>The wrong-answer kinds that make sense for this family's answers.</summary>
    public virtual IReadOnlyList<WrongAnswerKind> WrongKinds { get; } = [WrongAnswerKind.OffByOne, WrongAnswerKind.SwappedDigits, WrongAnswerKind.Sibling];

    /// <summary>A plausible wrong answer of this kind, different from the right one; null when this question has none.</summary>
    public virtual string? Wrong(WorldQuestion question, WrongAnswerKind kind, Random random)
    {
        var wrong = kind switch
        {
            WrongAnswerKind.OffByOne => OffByOne(question.Answer, random),
            WrongAnswerKind.SwappedDigits => SwapAdjacentDigits(question.Answer, random),
            _ => SiblingAnswer(question, random),
        };
        return wrong is null || wrong == question.Answer ? null : wrong;
    }

    protected WorldQuestion Question(string instruction, string answer, params int[] operands) => new(Name, Category, instruction, answer, operands);

    /// <summary>The answer of a sibling question, trying a few siblings until one answers differently.</summary>
    protected string? SiblingAnswer(WorldQuestion question, Random random)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var answer = Sibling(question, random).Answer;
            if (answer != question.Answer)
                return answer;
        }
        return null;
    }

    private static string? OffByOne(string answer, Random random) =>
        int.TryParse(answer, out var value) ? (value == 0 || random.Next(2) == 0 ? value + 1 : value - 1).ToString() : null;

    /// <summary>Swaps two adjacent, different digits of the answer (anywhere in it); null when it has no such pair.</summary>
    protected static string? SwapAdjacentDigits(string answer, Random random)
    {
        var places = Enumerable.Range(0, Math.Max(0, answer.Length - 1))
            .Where(i => char.IsAsciiDigit(answer[i]) && char.IsAsciiDigit(answer[i + 1]) && answer[i] != answer[i + 1]).ToList();
        if (places.Count == 0)
            return null;
        var at = places[random.Next(places.Count)];
        var chars = answer.ToCharArray();
        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
        // A number never starts with 0: such a swap would be an implausible answer.
        return chars[0] == '0' ? null : new string(chars);
    }

    /// <summary>A different value in [low, high] close to <paramref name="value"/> (within 9), for sibling operands.</summary>
    protected static int Near(int value, int low, int high, Random random)
    {
        for (var attempt = 0; attempt < 32; attempt++)
        {
            var next = value + random.Next(-9, 10);
            if (next != value && next >= low && next <= high)
                return next;
        }
        return value == high ? value - 1 : value + 1;
    }
}
