namespace JudgeApi.Bench;

/// <summary>
/// One benchmark test (pp512, tg128, …) and its timed repetitions, summarised the way llama-bench does:
/// tokens/s is computed per repetition, then averaged (mean and sample standard deviation).
/// </summary>
public sealed record ThroughputSample(string Test, int Tokens, IReadOnlyList<long> SamplesNs)
{
    public double AvgTokensPerSecond => TokensPerSecond.Average();

    public double StdDevTokensPerSecond
    {
        get
        {
            var ts = TokensPerSecond.ToArray();
            if (ts.Length < 2) return 0;
            var mean = ts.Average();
            return Math.Sqrt(ts.Sum(t => (t - mean) * (t - mean)) / (ts.Length - 1));
        }
    }

    private IEnumerable<double> TokensPerSecond => SamplesNs.Select(ns => Tokens * 1e9 / ns);
}
