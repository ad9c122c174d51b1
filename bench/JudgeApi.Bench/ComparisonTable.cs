namespace JudgeApi.Bench;

/// <summary>Prints our results next to llama-bench's and the ours/llama-bench ratio line bench/engine.sh reports.</summary>
public static class ComparisonTable
{
    public static void Print(TextWriter output, IReadOnlyList<ThroughputSample> ours, IReadOnlyList<ThroughputSample> reference)
    {
        output.WriteLine($"| {"test",-8} | {"llama-bench t/s",20} | {"JudgeApi.Llama t/s",20} | {"ours/llama-bench",16} |");
        output.WriteLine($"| {new string('-', 8)} | {new string('-', 20)} | {new string('-', 20)} | {new string('-', 16)} |");
        foreach (var sample in ours)
        {
            var match = reference.FirstOrDefault(r => r.Test == sample.Test);
            output.WriteLine($"| {sample.Test,-8} | {Format(match),20} | {Format(sample),20} | {Ratio(sample, match)?.ToString("F3") ?? "-",16} |");
        }
    }

    /// <summary>One line such as `engine pp_ratio=0.981 tg_ratio=0.967`, "nan" where llama-bench has no matching test.</summary>
    public static string RatioLine(IReadOnlyList<ThroughputSample> ours, IReadOnlyList<ThroughputSample> reference)
    {
        string RatioOf(string prefix)
        {
            var sample = ours.FirstOrDefault(s => s.Test.StartsWith(prefix, StringComparison.Ordinal));
            var ratio = sample is null ? null : Ratio(sample, reference.FirstOrDefault(r => r.Test == sample.Test));
            return ratio?.ToString("F3") ?? "nan";
        }
        return $"engine pp_ratio={RatioOf("pp")} tg_ratio={RatioOf("tg")}";
    }

    private static double? Ratio(ThroughputSample ours, ThroughputSample? reference) =>
        reference is null ? null : ours.AvgTokensPerSecond / reference.AvgTokensPerSecond;

    private static string Format(ThroughputSample? sample) =>
        sample is null ? "-" : $"{sample.AvgTokensPerSecond:F2} ± {sample.StdDevTokensPerSecond:F2}";
}
