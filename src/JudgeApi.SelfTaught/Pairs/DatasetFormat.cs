using System.Text.Json;

namespace JudgeApi.SelfTaught;

/// <summary>One line of <c>GET /iterations/{id}/dataset</c>: the chat trainers (TRL and friends) read, plus provenance.</summary>
/// <param name="BehaviorVersion">The judge behaviour whose judgment the line teaches (null for lines stored before it was recorded).</param>
public sealed record DatasetLine(IReadOnlyList<DatasetMessage> Messages, long PairId, string Label, string? BehaviorVersion);

/// <summary>
/// Turns a kept judgment into a training example: the judge prompt exactly as the service renders it (same template and
/// version) for the A/B order the judgment saw, then the judgment's own reasoning and verdict as the assistant turn.
/// </summary>
public static class DatasetFormat
{
    public static IReadOnlyList<DatasetMessage> Messages(IIterationModel model, AnnotatedPair pair, JudgmentRecord kept)
    {
        var prompt = kept.ChosenPosition == PairPosition.A
            ? new PairToJudge(pair.Instruction, pair.Chosen, pair.Rejected)
            : new PairToJudge(pair.Instruction, pair.Rejected, pair.Chosen);
        return [.. model.RenderJudgePrompt(prompt), new DatasetMessage("assistant", kept.Completion)];
    }

    public static string SerializeMessages(IReadOnlyList<DatasetMessage> messages) => JsonSerializer.Serialize(messages, JsonSerializerOptions.Web);

    /// <summary>The NDJSON line for a stored example (its messages were rendered when the dataset was built).</summary>
    public static string Line(DatasetExample example) =>
        JsonSerializer.Serialize(new DatasetLine(JsonSerializer.Deserialize<List<DatasetMessage>>(example.MessagesJson, JsonSerializerOptions.Web)!,
            example.PairId, example.Label.ToString(), example.BehaviorVersion), JsonSerializerOptions.Web);
}
