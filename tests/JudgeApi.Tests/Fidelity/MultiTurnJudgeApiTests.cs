using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Fidelity;

/// <summary>Multi-turn judgments and ties through POST /judge and /judge/batch on the generated model.</summary>
public sealed class MultiTurnJudgeApiTests(JudgeServerFixture fixture) : IClassFixture<JudgeServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static object[] Conversation(string unique) =>
        Conversations.Messages("Write a haiku about rain. " + unique, "Rain taps the window.", "Now make it about snow.");

    private static object[] Side(string unique, string first, string last) =>
        Conversations.Messages("Write a haiku about rain. " + unique, first, "Now make it about snow.", last);

    private async Task<JsonElement> JudgeOkAsync(object body)
    {
        using var response = await Client.PostJudgeAsync(body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }

    private async Task<JsonElement> ErrorsAsync(object body)
    {
        using var response = await Client.PostJudgeAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task A_conversation_and_two_final_answers_are_judged_with_the_multi_turn_prompt()
    {
        var unique = Guid.NewGuid().ToString("N");
        var single = await JudgeOkAsync(new { instruction = "Now make it about snow.", responseA = "Snow hushes the street.", responseB = "Sun.", mode = "direct" });

        var json = await JudgeOkAsync(new { conversation = Conversation(unique), responseA = "Snow hushes the street.", responseB = "Sun.", mode = "direct" });

        Assert.Equal(JudgePrompt.MultiTurnVersion, json.GetProperty("promptVersion").GetString());
        Assert.InRange(json.GetProperty("probabilityA").GetDouble(), 0, 1);
        // Both sides repeat the earlier turns: the two-turn prompt is longer than the one-turn one.
        Assert.True(json.GetProperty("promptTokens").GetInt32() > single.GetProperty("promptTokens").GetInt32());
        Assert.False(json.TryGetProperty("probabilityTie", out _));
    }

    [Fact]
    public async Task Two_whole_sides_are_judged_and_a_repeat_is_answered_from_the_cache()
    {
        var unique = Guid.NewGuid().ToString("N");
        var sides = new
        {
            conversationA = Side(unique, "Rain taps the window.", "Snow hushes the street."),
            conversationB = Side(unique, "Clouds weep.", "Sun."),
            mode = "direct",
        };

        var first = await JudgeOkAsync(sides);
        var second = await JudgeOkAsync(sides);

        Assert.Equal(JudgePrompt.MultiTurnVersion, first.GetProperty("promptVersion").GetString());
        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.GetProperty("probabilityA").GetDouble(), second.GetProperty("probabilityA").GetDouble());
    }

    [Fact]
    public async Task A_side_of_one_exchange_is_a_single_turn_judgment()
    {
        var unique = Guid.NewGuid().ToString("N");
        object[] A(string answer) => Conversations.Messages("Name a prime. " + unique, answer);

        var sides = await JudgeOkAsync(new { conversationA = A("7"), conversationB = A("8"), mode = "direct" });
        var plain = await JudgeOkAsync(new { instruction = "Name a prime. " + unique, responseA = "7", responseB = "8", mode = "direct" });

        Assert.Equal(JudgePrompt.Version, sides.GetProperty("promptVersion").GetString());
        Assert.True(plain.GetProperty("cached").GetBoolean());
        Assert.Equal(sides.GetProperty("probabilityA").GetDouble(), plain.GetProperty("probabilityA").GetDouble());
    }

    [Fact]
    public async Task With_ties_allowed_the_answer_carries_the_tie_probability_and_votes()
    {
        var json = await JudgeOkAsync(JudgeRequests.Valid(("allowTie", true), ("samples", 2), ("temperature", 1.0)));

        Assert.Equal("judge-v1+tie", json.GetProperty("promptVersion").GetString());
        var (a, tie) = (json.GetProperty("probabilityA").GetDouble(), json.GetProperty("probabilityTie").GetDouble());
        Assert.InRange(tie, 1e-9, 1);
        Assert.InRange(a + tie, 0, 1 + 1e-9);
        var votes = json.GetProperty("votes");
        Assert.Equal(4, votes.GetProperty("a").GetInt32() + votes.GetProperty("b").GetInt32() + votes.GetProperty("tie").GetInt32());
        var b = 1 - a - tie;
        var expected = tie > Math.Max(a, b) ? "tie" : a >= b ? "A" : "B";
        Assert.Equal(expected, json.GetProperty("winner").GetString());
        Assert.Equal(Math.Max(a, Math.Max(b, tie)), json.GetProperty("confidence").GetDouble(), 9);
    }

    [Fact]
    public async Task Batch_items_may_be_multi_turn_and_fail_alone()
    {
        var unique = Guid.NewGuid().ToString("N");
        var body = new
        {
            items = new object[]
            {
                new { conversation = Conversation(unique), responseA = "Snow.", responseB = "Sun.", mode = "direct", allowTie = true },
                new { conversation = Conversation(unique), instruction = "Also this.", responseA = "Snow.", responseB = "Sun." },
            },
        };

        using var response = await Client.PostAsJsonAsync("/judge/batch", body);

        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([200, 400], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.Equal("judge-multi-turn-v1+tie", items[0].GetProperty("result").GetProperty("promptVersion").GetString());
        Assert.True(items[1].GetProperty("error").GetProperty("errors").TryGetProperty("instruction", out _));
    }

    [Fact]
    public async Task A_malformed_conversation_is_reported_by_message_and_field()
    {
        var wrongRole = await ErrorsAsync(new
        {
            conversation = new object?[] { new { role = "user", content = "Hi" }, new { role = "system", content = "x" }, null },
            responseA = "a",
            responseB = "b",
        });
        Assert.True(wrongRole.TryGetProperty("conversation[1].role", out _), wrongRole.ToString());
        Assert.True(wrongRole.TryGetProperty("conversation[2]", out _), wrongRole.ToString());

        var endsWithAssistant = await ErrorsAsync(new
        {
            conversation = Conversations.Messages("Hi", "Hello"),
            responseA = "a",
            responseB = "b",
        });
        Assert.True(endsWithAssistant.TryGetProperty("conversation[1].role", out _), endsWithAssistant.ToString());

        var emptyContent = await ErrorsAsync(new { conversation = new object[] { new { role = "user", content = " " } }, responseA = "a", responseB = "b" });
        Assert.True(emptyContent.TryGetProperty("conversation[0].content", out _), emptyContent.ToString());

        var noResponses = await ErrorsAsync(new { conversation = Conversation("x") });
        Assert.Equal(["responseA", "responseB"], noResponses.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Two_sides_must_answer_the_same_user_messages()
    {
        var mismatch = await ErrorsAsync(new { conversationA = Side("x", "one", "two"), conversationB = Side("y", "one", "two") });
        Assert.True(mismatch.TryGetProperty("conversationB[0].content", out _), mismatch.ToString());

        var alone = await ErrorsAsync(new { conversationA = Side("x", "one", "two"), responseA = "also" });
        Assert.True(alone.TryGetProperty("conversationB", out _), alone.ToString());
        Assert.True(alone.TryGetProperty("responseA", out _), alone.ToString());

        var unanswered = Conversations.Messages("Hi");
        var noAnswer = await ErrorsAsync(new { conversationA = unanswered, conversationB = unanswered });
        Assert.True(noAnswer.TryGetProperty("conversationA", out _), noAnswer.ToString());

        var tooLong = await ErrorsAsync(new
        {
            conversation = Conversations.Messages([.. Enumerable.Repeat("x", 65)]),
            responseA = "a",
            responseB = "b",
        });
        Assert.True(tooLong.TryGetProperty("conversation", out _), tooLong.ToString());
    }
}
