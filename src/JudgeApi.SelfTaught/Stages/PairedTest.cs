namespace JudgeApi.SelfTaught;

/// <summary>
/// McNemar's exact test on paired per-pair outcomes: of the pairs where the candidate and the serving weights
/// judged differently many orders right, <see cref="Better"/> favour the candidate and <see cref="Worse"/> the
/// serving weights. Under "no difference" each such pair is a fair coin, so <see cref="PValue"/> is the one-sided
/// binomial tail P(X ≥ Better), X ~ Binomial(Better + Worse, 1/2). Ties carry no evidence either way.
/// </summary>
/// <param name="Pairs">Pairs both judged (neither skipped).</param>
public sealed record PairedTest(string Name, int Pairs, int Better, int Worse, double PValue)
{
    public const string McNemarExact = "mcnemar-exact";

    /// <summary>Pairs up two outcome strings of the same set (<see cref="AccuracyScore.Outcomes"/>).</summary>
    public static PairedTest Compare(string candidate, string reference)
    {
        if (candidate.Length != reference.Length)
            throw new ArgumentException($"The outcomes cover {candidate.Length} and {reference.Length} pairs; they must be of the same set.", nameof(reference));
        int pairs = 0, better = 0, worse = 0;
        for (var i = 0; i < candidate.Length; i++)
        {
            if (candidate[i] == '-' || reference[i] == '-')
                continue;
            pairs++;
            if (candidate[i] > reference[i])
                better++;
            else if (candidate[i] < reference[i])
                worse++;
        }
        return new PairedTest(McNemarExact, pairs, better, worse, UpperTail(better + worse, better));
    }

    /// <summary>P(X ≥ k) for X ~ Binomial(n, 1/2), summed in log space so that large n does not underflow.</summary>
    public static double UpperTail(int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (k <= 0)
            return 1;
        if (k > n)
            return 0;
        var logPmf = -n * Math.Log(2); // P(X = 0)
        var tail = 0.0;
        for (var x = 1; x <= n; x++)
        {
            logPmf += Math.Log((double)(n - x + 1) / x);
            if (x >= k)
                tail += Math.Exp(logPmf);
        }
        return Math.Min(1, tail);
    }
}
