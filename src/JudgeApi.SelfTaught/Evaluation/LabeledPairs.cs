using System.Text.Json;

namespace JudgeApi.SelfTaught;

/// <summary>A preference pair with a known answer: <see cref="Chosen"/> is the better response to <see cref="Prompt"/>.</summary>
public sealed record LabeledPair(string Prompt, string Chosen, string Rejected, string? Subset);

/// <summary>A labeled set file that cannot be read; the message names the line.</summary>
public sealed class LabeledSetException(string message) : Exception(message);

/// <summary>Reads labeled pairs in RewardBench format: JSONL lines <c>{ "prompt", "chosen", "rejected", "subset"? }</c>.</summary>
public static class RewardBenchFile
{
    public static IReadOnlyList<LabeledPair> Read(string path)
    {
        if (!File.Exists(path))
            throw new LabeledSetException($"Labeled set '{path}' does not exist.");
        var pairs = new List<LabeledPair>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                pairs.Add(new LabeledPair(Required(root, "prompt"), Required(root, "chosen"), Required(root, "rejected"),
                    root.ValueKind == JsonValueKind.Object && root.TryGetProperty("subset", out var subset) && subset.ValueKind == JsonValueKind.String
                        ? subset.GetString() : null));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new LabeledSetException($"{path}, line {number}: expected {{ \"prompt\", \"chosen\", \"rejected\", \"subset\"? }} with string values ({e.Message}).");
            }
        }
        if (pairs.Count == 0)
            throw new LabeledSetException($"Labeled set '{path}' holds no pairs.");
        return pairs;
    }

    private static string Required(JsonElement root, string name) =>
        root.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw new KeyNotFoundException($"\"{name}\" must be a string");
}
