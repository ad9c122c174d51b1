using System.Text.Json;

namespace JudgeApi.SelfTaught;

/// <summary>One entry of an import that parsed: the instruction, the category it came with, if any, and its follow-up turns, if any.</summary>
public sealed record ImportedInstruction(int Index, string Instruction, string? Category, IReadOnlyList<string>? FollowUps = null);

/// <summary>An entry of an import that was refused, with the reason the caller sees.</summary>
public sealed record ImportRejection(int Index, string Reason);

public sealed record ImportParseResult(IReadOnlyList<ImportedInstruction> Entries, IReadOnlyList<ImportRejection> Rejected);

/// <summary>
/// Reads the import formats of <c>POST /instructions</c>: a JSON array of strings or of <c>{ instruction, category? }</c>,
/// NDJSON with one such object a line, ShareGPT/WildChat-style conversations (the first user turn is taken), and
/// MT-Bench questions <c>{ question_id, category, turns: [...] }</c> (the first turn is the instruction, the others
/// are kept as its follow-ups, which make its pairs multi-turn).
/// </summary>
public static class InstructionImportParser
{
    private static readonly string[] ConversationKeys = ["conversations", "conversation", "messages"];

    /// <summary>Parses a JSON array; throws <see cref="JsonException"/> when the body is not one.</summary>
    public static ImportParseResult ParseJsonArray(string json)
    {
        using var document = JsonDocument.Parse(WithoutByteOrderMark(json));
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new JsonException("expected a JSON array of instructions");
        var entries = new List<ImportedInstruction>();
        var rejected = new List<ImportRejection>();
        var index = 0;
        foreach (var element in document.RootElement.EnumerateArray())
            Add(ReadEntryOrReject(element, index++), entries, rejected);
        return new(entries, rejected);
    }

    /// <summary>Parses NDJSON; blank lines are skipped, and a line that is not JSON is rejected on its own.</summary>
    public static ImportParseResult ParseNdjson(string text)
    {
        var entries = new List<ImportedInstruction>();
        var rejected = new List<ImportRejection>();
        var index = 0;
        foreach (var rawLine in WithoutByteOrderMark(text).Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            var lineIndex = index++;
            // Most junk is caught here without the cost of a parse exception (a 1 MB body can hold 500,000 lines).
            if (line.TrimStart() is not ['{', ..] and not ['"', ..])
            {
                rejected.Add(new(lineIndex, "line is not JSON: expected an object or a string"));
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line);
                Add(ReadEntryOrReject(document.RootElement, lineIndex), entries, rejected);
            }
            catch (JsonException e)
            {
                rejected.Add(new(lineIndex, $"line is not JSON: {e.Message}"));
            }
        }
        return new(entries, rejected);
    }

    // A UTF-8 byte order mark decodes to U+FEFF, which no JSON parser takes as whitespace.
    private static string WithoutByteOrderMark(string text) => text.StartsWith('\uFEFF') ? text[1..] : text;

    /// <summary>One entry, or its rejection: a string the JSON reader cannot decode (an escaped lone surrogate) rejects only its own entry.</summary>
    private static object ReadEntryOrReject(JsonElement element, int index)
    {
        try
        {
            return ReadEntry(element, index);
        }
        catch (InvalidOperationException)
        {
            return new ImportRejection(index, "a string in the entry is not valid Unicode text (an escaped unpaired surrogate such as \\ud800)");
        }
    }

    private static void Add(object entry, List<ImportedInstruction> entries, List<ImportRejection> rejected)
    {
        if (entry is ImportedInstruction instruction)
            entries.Add(instruction);
        else
            rejected.Add((ImportRejection)entry);
    }

    private static object ReadEntry(JsonElement element, int index)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return new ImportedInstruction(index, element.GetString()!, null);
            case JsonValueKind.Object:
                break;
            default:
                return new ImportRejection(index, $"expected a string or an object, got {element.ValueKind.ToString().ToLowerInvariant()}");
        }

        string? category = null;
        if (element.TryGetProperty("category", out var categoryElement) && categoryElement.ValueKind != JsonValueKind.Null)
        {
            if (categoryElement.ValueKind != JsonValueKind.String)
                return new ImportRejection(index, "\"category\" must be a string");
            category = categoryElement.GetString()!.Trim().ToLowerInvariant();
            if (category.Length == 0)
                category = null;
        }

        if (element.TryGetProperty("instruction", out var instruction))
            return instruction.ValueKind == JsonValueKind.String
                ? new ImportedInstruction(index, instruction.GetString()!, category)
                : new ImportRejection(index, "\"instruction\" must be a string");

        if (element.TryGetProperty("turns", out var mtBenchTurns))
            return mtBenchTurns.ValueKind == JsonValueKind.Array && mtBenchTurns.GetArrayLength() > 0
                && mtBenchTurns.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String)
                ? new ImportedInstruction(index, mtBenchTurns[0].GetString()!, category,
                    mtBenchTurns.GetArrayLength() == 1 ? null : mtBenchTurns.EnumerateArray().Skip(1).Select(t => t.GetString()!).ToList())
                : new ImportRejection(index, "\"turns\" must be a non-empty array of strings (MT-Bench questions)");

        foreach (var key in ConversationKeys)
            if (element.TryGetProperty(key, out var turns))
                return FirstUserTurn(turns) is { } text
                    ? new ImportedInstruction(index, text, category)
                    : new ImportRejection(index, $"\"{key}\" has no user turn with text");

        return new ImportRejection(index, "object has none of \"instruction\", \"turns\" or \"conversations\"");
    }

    // ShareGPT writes { from: "human", value }, WildChat and OpenAI-style exports { role: "user", content }.
    private static string? FirstUserTurn(JsonElement turns)
    {
        if (turns.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var turn in turns.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object)
                continue;
            var role = StringProperty(turn, "from") ?? StringProperty(turn, "role");
            if (role is not ("human" or "user"))
                continue;
            return StringProperty(turn, "value") ?? StringProperty(turn, "content");
        }
        return null;
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
