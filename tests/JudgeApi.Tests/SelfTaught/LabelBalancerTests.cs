using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public class LabelBalancerTests
{
    // A pair whose correct judgments sit in the given positions; the kept one is the first.
    private static AnnotatedPair Pair(long id, params PairPosition[] correctPositions)
    {
        var judgments = correctPositions.Select((p, i) => new JudgmentRecord(i, p, p, (uint)i, null, "r", $"r {p}")).ToList();
        return new AnnotatedPair(id, id, "x", "yw", "yl", judgments, 0);
    }

    private static (int A, int B, int Dropped) Count(IReadOnlyList<BalancedChoice> choices) =>
        (choices.Count(c => c.Kept?.ChosenPosition == PairPosition.A), choices.Count(c => c.Kept?.ChosenPosition == PairPosition.B),
            choices.Count(c => c.Kept is null));

    [Fact]
    public void SwitchesPairsThatHaveACorrectJudgmentInTheOtherPosition()
    {
        var pairs = Enumerable.Range(1, 6).Select(i => Pair(i, PairPosition.A, PairPosition.B)).ToList();

        var choices = LabelBalancer.Balance(pairs, 1);

        Assert.Equal((3, 3, 0), Count(choices));
        Assert.All(choices, c => Assert.True(c.Kept!.Correct));
    }

    [Fact]
    public void DropsMajorityPairsWhenNoneCanSwitch()
    {
        var pairs = Enumerable.Range(1, 5).Select(i => Pair(i, PairPosition.A)).Append(Pair(6, PairPosition.B)).ToList();

        var choices = LabelBalancer.Balance(pairs, 1);

        Assert.Equal((2, 1, 3), Count(choices));
    }

    [Fact]
    public void AlreadyBalancedSetIsLeftAlone()
    {
        var pairs = new[] { Pair(1, PairPosition.A), Pair(2, PairPosition.B), Pair(3, PairPosition.A) };

        var choices = LabelBalancer.Balance(pairs, 1);

        Assert.Equal(pairs.Select(p => p.Judgments[0]), choices.Select(c => c.Kept));
    }

    [Fact]
    public void WithoutRejectionAWrongJudgmentInTheOtherPositionCanBeSwitchedTo()
    {
        // Each pair: a correct judgment with y_w in A (kept) and a wrong one with y_w in B.
        var pairs = Enumerable.Range(1, 4).Select(i => new AnnotatedPair(i, i, "x", "yw", "yl",
            [new JudgmentRecord(0, PairPosition.A, PairPosition.A, 0, null, "r", "r A"), new JudgmentRecord(1, PairPosition.B, PairPosition.A, 1, null, "r", "r A")], 0)).ToList();

        Assert.Equal((1, 0, 3), Count(LabelBalancer.Balance(pairs, 1, reject: true)));
        var control = LabelBalancer.Balance(pairs, 1, reject: false);
        Assert.Equal((2, 2, 0), Count(control));
        Assert.Equal(2, control.Count(c => !c.Kept!.Correct));
    }

    [Theory]
    [InlineData(10, 4, 2, 2)]
    [InlineData(10, 5, 3, 2)]
    [InlineData(3, 10, 2, 1)]
    [InlineData(10, 1, 1, 0)]
    public void LimitKeepsAtMostTheNumberStillBalanced(int pairCount, int max, int expectedA, int expectedB)
    {
        var pairs = Enumerable.Range(1, pairCount).Select(i => Pair(i, i % 2 == 0 ? PairPosition.A : PairPosition.B)).ToList();
        var balanced = LabelBalancer.Balance(pairs, 1);

        var limited = LabelBalancer.Limit(balanced, max, 7);

        var (a, b, dropped) = Count(limited);
        Assert.Equal((expectedA, expectedB), (Math.Max(a, b), Math.Min(a, b)));
        Assert.Equal(pairCount - a - b, dropped);
        Assert.All(limited.Where(c => c.Kept is null && balanced.Single(o => o.Pair.Id == c.Pair.Id).Kept is not null),
            c => Assert.Equal(DiscardReason.ExampleLimit, c.Reason));
        Assert.Equal(limited.Select(c => c.Kept), LabelBalancer.Limit(balanced, max, 7).Select(c => c.Kept));
    }
}
