namespace JudgeApi.SelfTaught;

/// <summary>A pair's place in the dataset: the judgment kept (label = where y_w sat), or null when dropped (for balance, or over the limit).</summary>
public sealed record BalancedChoice(AnnotatedPair Pair, JudgmentRecord? Kept, string Reason = DiscardReason.LabelBalance);

/// <summary>
/// Makes the kept set's A and B labels differ by at most one, so the judge is not taught a position bias: first by
/// switching a majority pair to one of its correct judgments (any judgment, without rejection sampling) with the other
/// label, then by dropping majority pairs. <see cref="Limit"/> then keeps at most a given number, still balanced.
/// </summary>
public static class LabelBalancer
{
    public static IReadOnlyList<BalancedChoice> Balance(IReadOnlyList<AnnotatedPair> pairs, long iterationSeed, bool reject = true)
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
            var switchable = inMajority.Where(p => p.Judgments.Any(j => RejectionSampler.Eligible(j, reject) && j.ChosenPosition != majority)).ToList();
            if (switchable.Count > 0)
            {
                var pair = switchable[random.Next(switchable.Count)];
                var options = pair.Judgments.Where(j => RejectionSampler.Eligible(j, reject) && j.ChosenPosition != majority).ToList();
                kept[pair.Id] = options[random.Next(options.Count)];
            }
            else
            {
                kept[inMajority[random.Next(inMajority.Count)].Id] = null;
            }
        }
        return pairs.Select(p => new BalancedChoice(p, kept[p.Id])).ToList();
    }

    /// <summary>
    /// At most <paramref name="max"/> kept choices, chosen at random with the A and B labels still differing by at most
    /// one (the larger half gets the odd one); the others come back with <see cref="BalancedChoice.Kept"/> null.
    /// </summary>
    public static IReadOnlyList<BalancedChoice> Limit(IReadOnlyList<BalancedChoice> choices, int max, long iterationSeed)
    {
        var kept = choices.Where(c => c.Kept is not null).ToList();
        if (kept.Count <= max)
            return choices;
        var random = SeedDerivation.Random(iterationSeed, 0, "limit");
        var byLabel = kept.GroupBy(c => c.Kept!.ChosenPosition).Select(g => g.OrderBy(_ => random.Next()).ToList()).OrderByDescending(g => g.Count).ToList();
        var (larger, smaller) = (byLabel[0], byLabel.Count > 1 ? byLabel[1] : []);
        var fromSmaller = Math.Min(smaller.Count, max / 2);
        var chosen = smaller.Take(fromSmaller).Concat(larger.Take(max - fromSmaller)).Select(c => c.Pair.Id).ToHashSet();
        return choices.Select(c => c.Kept is not null && !chosen.Contains(c.Pair.Id) ? c with { Kept = null, Reason = DiscardReason.ExampleLimit } : c).ToList();
    }
}
