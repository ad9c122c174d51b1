namespace JudgeApi.Bench;

/// <summary>
/// Prints our results next to one or more llama-bench reports, and the ratio line bench/engine.sh ends with.
/// Ratios are always against the first report.
/// </summary>
public static class ComparisonTable
{
    private const int MinWidth = 20;

    public static void Print(TextWriter output, IReadOnlyList<ThroughputSample> ours, IReadOnlyList<LlamaBenchReport> references)
    {
        var ratioHeader = references.Count > 0 ? $"ours / {references[0].Label}" : "ratio";
        var headers = references.Select(r => r.Label + " t/s").Append("JudgeApi.Llama t/s").Append(ratioHeader).ToList();
        var widths = headers.Select(h => Math.Max(h.Length, MinWidth)).ToList();
        WriteRow(output, "test", headers, widths);
        WriteRow(output, new string('-', 8), widths.Select(w => new string('-', w)).ToList(), widths);
        foreach (var sample in ours)
        {
            var cells = references.Select(r => Format(r.Find(sample.Test)))
                .Append(Format(sample))
                .Append(Ratio(sample, references.FirstOrDefault())?.ToString("F3") ?? "-");
            WriteRow(output, sample.Test, cells.ToList(), widths);
        }
    }

    /// <summary>One line such as `engine pp_ratio=0.981 tg_ratio=0.967`; "nan" where there is nothing to compare.</summary>
    public static string RatioLine(IReadOnlyList<ThroughputSample> ours, IReadOnlyList<LlamaBenchReport> references)
    {
        string RatioOf(string prefix)
        {
            var sample = ours.FirstOrDefault(s => s.Test.StartsWith(prefix, StringComparison.Ordinal));
            var ratio = sample is null ? null : Ratio(sample, references.FirstOrDefault());
            return ratio?.ToString("F3") ?? "nan";
        }
        return $"engine pp_ratio={RatioOf("pp")} tg_ratio={RatioOf("tg")}";
    }

    private static void WriteRow(TextWriter output, string test, IReadOnlyList<string> cells, IReadOnlyList<int> widths) =>
        output.WriteLine($"| {test,-8} | " + string.Join(" | ", cells.Select((c, i) => c.PadLeft(widths[i]))) + " |");

    private static double? Ratio(ThroughputSample ours, LlamaBenchReport? reference) =>
        reference?.Find(ours.Test) is { } theirs ? ours.AvgTokensPerSecond / theirs.AvgTokensPerSecond : null;

    private static string Format(ThroughputSample? sample) =>
        sample is null ? "-" : $"{sample.AvgTokensPerSecond:F2} ± {sample.StdDevTokensPerSecond:F2}";
}
