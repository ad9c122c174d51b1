using System.Text.Json;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public class DatasetFormatTests
{
    private static readonly AnnotatedPair Pair = new(5, 9, "What is 2+2?", "4", "5", [], 0);

    [Theory]
    [InlineData(PairPosition.A, "A: 4\nB: 5")]
    [InlineData(PairPosition.B, "A: 5\nB: 4")]
    public void JudgePromptInTheKeptOrderThenTheJudgmentAsAssistantTurn(PairPosition chosenPosition, string expectedOrder)
    {
        var kept = new JudgmentRecord(1, chosenPosition, chosenPosition, 1, null, "because", $"because\n[[{chosenPosition}]]");

        var messages = DatasetFormat.Messages(new ScriptedPipelineModel(), Pair, kept);

        Assert.Equal(["system", "user", "assistant"], messages.Select(m => m.Role));
        Assert.Equal($"Q: What is 2+2?\n{expectedOrder}", messages[1].Content);
        Assert.Equal($"because\n[[{chosenPosition}]]", messages[2].Content);
    }

    [Fact]
    public void LineIsTheTrainerChatShapeWithPairIdAndLabel()
    {
        var messages = DatasetFormat.SerializeMessages([new("user", "prompt"), new("assistant", "verdict")]);

        var line = DatasetFormat.Line(new DatasetExample(5, PairPosition.B, messages));

        Assert.DoesNotContain('\n', line);
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        Assert.Equal(["messages", "pairId", "label", "behaviorVersion"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(5, root.GetProperty("pairId").GetInt64());
        Assert.Equal("B", root.GetProperty("label").GetString());
        var first = root.GetProperty("messages")[0];
        Assert.Equal(("user", "prompt"), (first.GetProperty("role").GetString(), first.GetProperty("content").GetString()));
    }
}
