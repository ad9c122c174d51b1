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
}
