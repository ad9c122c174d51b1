using System.Text.Json;

namespace JudgeApi.SelfTaught;

/// <summary>A preference pair with a known answer: <see cref="Chosen"/> is the better response to <see cref="Prompt"/>.</summary>
public sealed record LabeledPair(string Prompt, string Chosen, string Rejected, string? Subset);

/// <summary>A labeled set file that cannot be read; the message names the line.</summary>
public sealed class LabeledSetException(string message) : Exception(message);

/// <summary>Reads labeled pairs in RewardBench format: JSONL lines <c>{ "prompt", "chosen", "rejected", "subset"? }</c>.</summary>
public static class RewardBenchFile
{
    /// <summary>JSONL (one pair a line) or one JSON array of pairs, as many published preference sets are.</summary>
    public static IReadOnlyList<LabeledPair> Read(string path)
    {
        if (!File.Exists(path))
            throw new LabeledSetException($"Labeled set '{path}' does not exist.");
        var pairs = new List<LabeledPair>();
        using (var reader = File.OpenText(path))
        {
            while (reader.Peek() is var next && next >= 0 && char.IsWhiteSpace((char)next))
                reader.Read();
            if (reader.Peek() == '[')
                ReadArray(path, reader.ReadToEnd(), pairs);
        }
        if (pairs.Count == 0)
            ReadLines(path, pairs);
        if (pairs.Count == 0)
            throw new LabeledSetException($"Labeled set '{path}' holds no pairs.");
        return pairs;
    }

    private static void ReadArray(string path, string text, List<LabeledPair> pairs)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new LabeledSetException($"{path}: not a JSON array of pairs ({e.Message}).");
        }
        using (document)
        {
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                pairs.Add(Pair(item, () => $"{path}, item {index}"));
                index++;
            }
        }
    }

    private static void ReadLines(string path, List<LabeledPair> pairs)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                pairs.Add(Pair(document.RootElement, () => $"{path}, line {number}"));
            }
            catch (JsonException e)
            {
                throw new LabeledSetException($"{path}, line {number}: expected {{ \"prompt\", \"chosen\", \"rejected\", \"subset\"? }} with string values ({e.Message}).");
            }
        }
    }

    private static LabeledPair Pair(JsonElement root, Func<string> where)
    {
        try
        {
            return new LabeledPair(Required(root, "prompt"), Required(root, "chosen"), Required(root, "rejected"),
                root.TryGetProperty("subset", out var subset) && subset.ValueKind == JsonValueKind.String ? subset.GetString() : null);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw new LabeledSetException($"{where()}: expected {{ \"prompt\", \"chosen\", \"rejected\", \"subset\"? }} with string values ({e.Message}).");
        }
    }

    private static string Required(JsonElement root, string name) =>
        root.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw new KeyNotFoundException($"\"{name}\" must be a string");
}
