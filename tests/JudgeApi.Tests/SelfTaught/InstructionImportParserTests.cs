using System.Text.Json;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public class InstructionImportParserTests
{
    [Fact]
    public void JsonArrayOfStringsAndObjects()
    {
        var result = InstructionImportParser.ParseJsonArray("""["Write a poem", {"instruction": "Add 2 and 3", "category": " Math "}, {"instruction": "Plain"}]""");

        Assert.Empty(result.Rejected);
        Assert.Equal(
            [new ImportedInstruction(0, "Write a poem", null), new ImportedInstruction(1, "Add 2 and 3", "math"), new ImportedInstruction(2, "Plain", null)],
            result.Entries);
    }

    [Fact]
    public void ShareGptConversationTakesFirstHumanTurn()
    {
        var result = InstructionImportParser.ParseJsonArray("""
            [{"conversations": [{"from": "system", "value": "be nice"}, {"from": "human", "value": "first question"},
                                {"from": "gpt", "value": "answer"}, {"from": "human", "value": "follow-up"}]}]
            """);

        Assert.Equal("first question", Assert.Single(result.Entries).Instruction);
    }

    [Fact]
    public void WildChatConversationTakesFirstUserTurn()
    {
        var result = InstructionImportParser.ParseNdjson("""
            {"conversation": [{"role": "user", "content": "wildchat question"}, {"role": "assistant", "content": "reply"}]}
            {"conversations": [{"role": "assistant", "content": "hello"}, {"role": "user", "content": "second style"}]}
            """);

        Assert.Equal(["wildchat question", "second style"], result.Entries.Select(e => e.Instruction));
    }

    [Fact]
    public void NdjsonSkipsBlankLinesAndRejectsBadLinesByIndex()
    {
        var result = InstructionImportParser.ParseNdjson("{\"instruction\": \"one\"}\r\n\n{not json}\n\"a bare string\"\n{\"instruction\": \"two\", \"category\": \"coding\"}\n");

        Assert.Equal([new ImportedInstruction(0, "one", null), new ImportedInstruction(2, "a bare string", null), new ImportedInstruction(3, "two", "coding")],
            result.Entries);
        var rejection = Assert.Single(result.Rejected);
        Assert.Equal(1, rejection.Index);
        Assert.StartsWith("line is not JSON", rejection.Reason);
    }

    [Fact]
    public void WrongShapesAreRejectedWithReasons()
    {
        var result = InstructionImportParser.ParseJsonArray("""
            [42, {"instruction": 7}, {"instruction": "ok", "category": 3}, {"text": "no known key"},
             {"conversations": [{"from": "gpt", "value": "only the model speaks"}]}]
            """);

        Assert.Empty(result.Entries);
        Assert.Equal([0, 1, 2, 3, 4], result.Rejected.Select(r => r.Index));
        Assert.Contains("got number", result.Rejected[0].Reason);
        Assert.Contains("\"instruction\" must be a string", result.Rejected[1].Reason);
        Assert.Contains("\"category\" must be a string", result.Rejected[2].Reason);
        Assert.Contains("none of", result.Rejected[3].Reason);
        Assert.Contains("no user turn", result.Rejected[4].Reason);
    }

    [Fact]
    public void BodyThatIsNotAnArrayThrows()
    {
        Assert.ThrowsAny<JsonException>(() => InstructionImportParser.ParseJsonArray("""{"instruction": "x"}"""));
        Assert.ThrowsAny<JsonException>(() => InstructionImportParser.ParseJsonArray("not json"));
    }
}
