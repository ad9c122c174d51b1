namespace JudgeApi.SelfTaught;

/// <summary>A pair's place in the dataset: the judgment kept (label = where y_w sat), or null when dropped for balance.</summary>
public sealed record BalancedChoice(AnnotatedPair Pair, JudgmentRecord? Kept);

/// <summary>
/// Makes the kept set's A and B labels differ by at most one, so the judge is not taught a position bias: first by
/// switching a majority pair to one of its correct judgments with the other label, then by dropping majority pairs.
/// </summary>
public static class LabelBalancer
{
    public static IReadOnlyList<BalancedChoice> Balance(IReadOnlyList<AnnotatedPair> pairs, long iterationSeed)
    {
        var kept = pairs.ToDictionary(p => p.Id, p => (JudgmentRecord?)p.Judgments.Single(j => j.Sample == p.KeptSample));
        var random = SeedDerivation.Random(iterationSeed, 0, "balance");
        while (true)
        {
            var countA = kept.Values.Count(j => j?.ChosenPosition == PairPosition.A);
            var countB = kept.Values.Count(j => j?.ChosenPosition == PairPosition.B);
            if (Math.Abs(countA - countB) <= 1)
                break;
            var majority = countA > countB ? PairPosition.A : PairPosition.B;
            var inMajority = pairs.Where(p => kept[p.Id]?.ChosenPosition == majority).ToList();
            var switchable = inMajority.Where(p => p.Judgments.Any(j => j.Correct && j.ChosenPosition != majority)).ToList();
            if (switchable.Count > 0)
            {
                var pair = switchable[random.Next(switchable.Count)];
                var options = pair.Judgments.Where(j => j.Correct && j.ChosenPosition != majority).ToList();
                kept[pair.Id] = options[random.Next(options.Count)];
            }
            else
            {
                kept[inMajority[random.Next(inMajority.Count)].Id] = null;
            }
        }
        return pairs.Select(p => new BalancedChoice(p, kept[p.Id])).ToList();
    }
}
