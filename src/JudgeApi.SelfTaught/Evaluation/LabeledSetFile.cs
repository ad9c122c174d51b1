using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>A preference pair with a known answer: <see cref="Chosen"/> is the better response to <see cref="Prompt"/> (unless <see cref="Tie"/>).</summary>
/// <param name="Prompt">The judged user turn (in a conversation, its last user turn).</param>
/// <param name="Earlier">The turns before it (AnswerA: the chosen side's answers); null for a single-turn pair.</param>
/// <param name="Tie">Labeled a tie (MT-Bench human judgments): neither side is better, <see cref="Chosen"/> is just the first.</param>
public sealed record LabeledPair(string Prompt, string Chosen, string Rejected, string? Subset, IReadOnlyList<EarlierTurn>? Earlier = null, bool Tie = false);

/// <summary>A labeled set file that cannot be read; the message names the line.</summary>
public sealed class LabeledSetException(string message) : Exception(message);

/// <summary>
/// Reads labeled pairs, JSONL (one pair a line) or one JSON array, in any of these shapes:
/// RewardBench <c>{ "prompt", "chosen", "rejected", "subset"? }</c>;
/// a conversation and two final answers <c>{ "conversation": [messages ending with a user message], "chosen", "rejected", "subset"? }</c>;
/// two whole sides <c>{ "chosen": [messages], "rejected": [messages], "subset"? }</c> (the conversational preference format);
/// MT-Bench human judgments <c>{ "conversation_a", "conversation_b", "winner": "model_a" | "model_b" | "tie…", "turn" }</c>,
/// judged up to <c>turn</c>, with ties, in subsets <c>turn-1</c>, <c>turn-2</c>, ….
/// </summary>
public static class LabeledSetFile
{
    private const string Shapes =
        "{ \"prompt\", \"chosen\", \"rejected\", \"subset\"? } with string values, { \"conversation\": [...], \"chosen\", \"rejected\" }, " +
        "{ \"chosen\": [...], \"rejected\": [...] } or an MT-Bench human judgment { \"conversation_a\", \"conversation_b\", \"winner\", \"turn\" }";

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
                try
                {
                    pairs.Add(Pair(item));
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    throw new LabeledSetException($"{path}, item {index}: expected {Shapes} ({e.Message}).");
                }
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
                pairs.Add(Pair(document.RootElement));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new LabeledSetException($"{path}, line {number}: expected {Shapes} ({e.Message}).");
            }
        }
    }

    private static LabeledPair Pair(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidOperationException("the line is not an object");
        var subset = root.TryGetProperty("subset", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (root.TryGetProperty("conversation_a", out _))
            return MtBenchJudgment(root);
        if (root.TryGetProperty("chosen", out var chosen) && chosen.ValueKind == JsonValueKind.Array)
            return Sides(Messages(root, "chosen"), Messages(root, "rejected"), subset, tie: false);
        if (root.TryGetProperty("conversation", out _))
        {
            var conversation = Messages(root, "conversation");
            if (JudgedConversation.SharedProblem(conversation) is { } problem)
                throw new FormatException(Describe("conversation", problem));
            var (instruction, earlier) = JudgedConversation.FromShared(conversation);
            return new LabeledPair(instruction, Required(root, "chosen"), Required(root, "rejected"), subset, earlier);
        }
        return new LabeledPair(Required(root, "prompt"), Required(root, "chosen"), Required(root, "rejected"), subset);
    }

    /// <summary>One MT-Bench human judgment: both conversations up to the judged turn, the human's winner (or a tie).</summary>
    private static LabeledPair MtBenchJudgment(JsonElement root)
    {
        var a = Messages(root, "conversation_a");
        var b = Messages(root, "conversation_b");
        var turn = root.TryGetProperty("turn", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : a.Length / 2;
        if (turn < 1 || 2 * turn > Math.Min(a.Length, b.Length))
            throw new FormatException($"\"turn\" is {turn} but the conversations hold {a.Length / 2} and {b.Length / 2} turns");
        (a, b) = (a.Take(2 * turn).ToArray(), b.Take(2 * turn).ToArray());
        var winner = Required(root, "winner");
        var subset = $"turn-{turn}";
        return winner switch
        {
            "model_a" => Sides(a, b, subset, tie: false),
            "model_b" => Sides(b, a, subset, tie: false),
            _ when winner.StartsWith("tie", StringComparison.Ordinal) => Sides(a, b, subset, tie: true),
            _ => throw new FormatException($"\"winner\" is '{winner}'; it must be model_a, model_b or tie"),
        };
    }

    private static LabeledPair Sides(IReadOnlyList<ChatMessage> chosen, IReadOnlyList<ChatMessage> rejected, string? subset, bool tie)
    {
        foreach (var (name, side) in new[] { ("chosen", chosen), ("rejected", rejected) })
            if (JudgedConversation.SideProblem(side) is { } problem)
                throw new FormatException(Describe(name, problem));
        if (JudgedConversation.SidesMismatch(chosen, rejected) is { } mismatch)
            throw new FormatException(Describe("rejected", mismatch));
        var (instruction, chosenAnswer, rejectedAnswer, earlier) = JudgedConversation.FromSides(chosen, rejected);
        return new LabeledPair(instruction, chosenAnswer, rejectedAnswer, subset, earlier, tie);
    }

    private static ChatMessage[] Messages(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
            throw new KeyNotFoundException($"\"{name}\" must be an array of {{ \"role\", \"content\" }} messages");
        return list.EnumerateArray().Select((m, i) => m.ValueKind == JsonValueKind.Object
                && m.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String
                && m.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString()!.Trim().Length > 0
            ? new ChatMessage(role.GetString()!, content.GetString()!)
            : throw new FormatException($"\"{name}\"[{i}] must be a message with a string role and non-empty string content")).ToArray();
    }

    private static string Describe(string name, JudgedConversation.Problem problem) =>
        $"\"{name}\"{(problem.Index is { } i ? $"[{i}]" : "")}{(problem.Field is { } f ? "." + f : "")} {problem.Message}";

    private static string Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new KeyNotFoundException($"\"{name}\" must be a string");
}
