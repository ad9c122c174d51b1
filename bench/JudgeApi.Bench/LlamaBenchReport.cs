using System.Text.Json;

namespace JudgeApi.Bench;

/// <summary>Reads the tests of a `llama-bench -o json` report as <see cref="ThroughputSample"/>s.</summary>
public static class LlamaBenchReport
{
    public static IReadOnlyList<ThroughputSample> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(ToSample).ToList();
    }

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
