using System.Text.Json;

namespace JudgeApi.Bench;

/// <summary>The tests of one `llama-bench -o json` report, under a label saying which llama-bench ran.</summary>
public sealed record LlamaBenchReport(string Label, IReadOnlyList<ThroughputSample> Tests)
{
    /// <summary>Reads "label=path" (as given to --reference).</summary>
    public static LlamaBenchReport Parse(string labelAndPath)
    {
        var split = labelAndPath.IndexOf('=');
        if (split <= 0 || split == labelAndPath.Length - 1)
            throw new ArgumentException($"--reference takes label=path, not '{labelAndPath}'.");
        var path = labelAndPath[(split + 1)..];
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new LlamaBenchReport(labelAndPath[..split], document.RootElement.EnumerateArray().Select(ToSample).ToList());
    }

    public ThroughputSample? Find(string test) => Tests.FirstOrDefault(t => t.Test == test);

    private static ThroughputSample ToSample(JsonElement test)
    {
        var prompt = test.GetProperty("n_prompt").GetInt32();
        var gen = test.GetProperty("n_gen").GetInt32();
        var name = (prompt, gen) switch
        {
            (> 0, 0) => $"pp{prompt}",
            (0, > 0) => $"tg{gen}",
            _ => $"pp{prompt}+tg{gen}",
        };
        var samples = test.GetProperty("samples_ns").EnumerateArray().Select(s => s.GetInt64()).ToList();
        return new ThroughputSample(name, prompt + gen, samples);
    }
}
