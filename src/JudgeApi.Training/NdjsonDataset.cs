using System.Text.Json;
using JudgeApi.Llama;

namespace JudgeApi.Training;

/// <summary>
/// Reads the training dataset format (application/x-ndjson): one JSON object per line,
/// <c>{ "messages": [ { "role": "...", "content": "..." }, … ] }</c>. Blank lines are skipped; any other
/// line that is not such an object is an error naming the line.
/// </summary>
public static class NdjsonDataset
{
    public const string MediaType = "application/x-ndjson";

    public static IReadOnlyList<TrainingExample> Read(string path)
    {
        if (!File.Exists(path))
            throw new TrainingDataException($"Dataset '{path}' does not exist.");
        using var reader = new StreamReader(path);
        var examples = Read(reader);
        if (examples.Count == 0)
            throw new TrainingDataException($"Dataset '{path}' holds no examples; write one JSON object per line ({MediaType}).");
        return examples;
    }

    public static IReadOnlyList<TrainingExample> Read(TextReader reader)
    {
        var examples = new List<TrainingExample>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            examples.Add(new TrainingExample(ParseMessages(line, lineNumber), lineNumber));
        }
        return examples;
    }

    private static List<ChatMessage> ParseMessages(string line, int lineNumber)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new TrainingDataException($"Line {lineNumber} is not valid JSON: {e.Message}", lineNumber);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("messages", out var messages)
                || messages.ValueKind != JsonValueKind.Array)
                throw new TrainingDataException($"Line {lineNumber} must be an object with a \"messages\" array.", lineNumber);

            var result = new List<ChatMessage>();
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object
                    || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(role.GetString())
                    || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                    throw new TrainingDataException(
                        $"Line {lineNumber}, message {index + 1}: every message needs a non-empty string \"role\" and a string \"content\".", lineNumber);
                result.Add(new ChatMessage(role.GetString()!, content.GetString()!));
                index++;
            }
            return result;
        }
    }
}
