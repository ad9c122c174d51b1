using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using JudgeApi.Judging;

namespace JudgeApi.Tests.Service;

public sealed class JudgeContractTests(JudgeServerFixture fixture) : IClassFixture<JudgeServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private async Task<JsonElement> JudgeOkAsync(object body)
    {
        using var response = await Client.PostJudgeAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(json.GetProperty("id").GetString(), response.Headers.GetValues("X-Judgment-Id").Single());
        return json;
    }

    [Fact]
    public async Task Reasoning_judgment_has_every_contract_field_and_consistent_numbers()
    {
        var json = await JudgeOkAsync(JudgeRequests.Valid());

        var p = json.GetProperty("probabilityA").GetDouble();
        Assert.InRange(p, 0, 1);
        Assert.Equal(Math.Max(p, 1 - p), json.GetProperty("confidence").GetDouble(), 12);
        var expectedWinner = Math.Abs(p - 0.5) <= JudgeBehavior.Default.TieEpsilon ? "tie" : p > 0.5 ? "A" : "B";
        Assert.Equal(expectedWinner, json.GetProperty("winner").GetString());
        Assert.Equal(JsonValueKind.String, json.GetProperty("reasoning").ValueKind);
        var votes = json.GetProperty("votes");
        Assert.Equal(2, votes.GetProperty("a").GetInt32() + votes.GetProperty("b").GetInt32());
        Assert.Equal(Path.GetFileName(TestModels.Tiny()), json.GetProperty("model").GetProperty("base").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("model").GetProperty("adapter").ValueKind);
        Assert.False(json.GetProperty("cached").GetBoolean());
        Assert.True(json.GetProperty("elapsedMs").GetDouble() >= 0);
        Assert.Equal(JudgePrompt.Version, json.GetProperty("promptVersion").GetString());
        Assert.Equal("reasoning", json.GetProperty("mode").GetString());
        // Greedy reasoning on a random model runs to the cap in both orders; the verdict is still read.
        Assert.InRange(json.GetProperty("reasoningTokens").GetInt32(), 1, 16);
        Assert.True(json.GetProperty("promptTokens").GetInt32() > 100);
    }

    [Fact]
    public async Task Direct_mode_reads_the_verdict_without_reasoning_for_every_sample_and_order()
    {
        var json = await JudgeOkAsync(JudgeRequests.Valid(("mode", "direct"), ("samples", 3)));

        Assert.Equal("", json.GetProperty("reasoning").GetString());
        Assert.Equal(0, json.GetProperty("reasoningTokens").GetInt32());
        var votes = json.GetProperty("votes");
        Assert.Equal(6, votes.GetProperty("a").GetInt32() + votes.GetProperty("b").GetInt32());
    }

    [Fact]
    public async Task Without_swap_only_the_given_order_is_judged()
    {
        var json = await JudgeOkAsync(JudgeRequests.Valid(("swap", false), ("samples", 2), ("temperature", 1.0)));

        var votes = json.GetProperty("votes");
        Assert.Equal(2, votes.GetProperty("a").GetInt32() + votes.GetProperty("b").GetInt32());
    }

    [Fact]
    public async Task Same_inputs_and_seed_give_the_same_answer_without_the_cache()
    {
        var body = JudgeRequests.Valid(("samples", 2), ("temperature", 1.2), ("seed", 1234), ("maxReasoningTokens", 12), ("useCache", false));

        var first = await JudgeOkAsync(body);
        var second = await JudgeOkAsync(body);

        Assert.False(second.GetProperty("cached").GetBoolean());
        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        foreach (var field in new[] { "winner", "probabilityA", "reasoning", "votes", "reasoningTokens" })
            Assert.Equal(first.GetProperty(field).GetRawText(), second.GetProperty(field).GetRawText());
    }

    [Fact]
    public async Task A_repeated_request_is_answered_from_the_cache()
    {
        var body = JudgeRequests.Valid(("mode", "direct"));

        var first = await JudgeOkAsync(body);
        var second = await JudgeOkAsync(body);

        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.GetProperty("probabilityA").GetDouble(), second.GetProperty("probabilityA").GetDouble());
        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_changed_field_misses_the_cache()
    {
        var body = JudgeRequests.Valid(("mode", "direct"));
        await JudgeOkAsync(body);

        body["criteria"] = "Prefer correct arithmetic.";
        var changed = await JudgeOkAsync(body);

        Assert.False(changed.GetProperty("cached").GetBoolean());
    }

    [Fact]
    public async Task Batch_answers_in_order_and_a_bad_item_fails_alone()
    {
        var body = new
        {
            items = new object?[]
            {
                JudgeRequests.Valid(("mode", "direct")),
                JudgeRequests.Valid(("instruction", "")),
                null,
                JudgeRequests.Valid(("maxReasoningTokens", 4)),
            },
        };

        using var response = await Client.PostAsJsonAsync("/judge/batch", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2, 3], items.Select(i => i.GetProperty("index").GetInt32()));
        Assert.Equal([200, 400, 400, 200], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.Equal("direct", items[0].GetProperty("result").GetProperty("mode").GetString());
        Assert.True(items[1].GetProperty("error").GetProperty("errors").TryGetProperty("instruction", out _));
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("result").ValueKind);
        Assert.Equal("reasoning", items[3].GetProperty("result").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Sixteen_concurrent_requests_all_succeed()
    {
        var requests = Enumerable.Range(0, 16)
            .Select(i => Client.PostJudgeAsync(JudgeRequests.Valid(("mode", i % 2 == 0 ? "direct" : "reasoning"), ("maxReasoningTokens", 6))))
            .ToArray();

        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var r in responses)
            r.Dispose();
    }

    [Fact]
    public async Task Model_endpoint_describes_the_loaded_file()
    {
        var json = await Client.GetFromJsonAsync<JsonElement>("/model");

        Assert.Equal(TestModels.Tiny(), json.GetProperty("path").GetString());
        Assert.Equal("llama", json.GetProperty("architecture").GetString());
        Assert.True(json.GetProperty("parameters").GetInt64() > 0);
        Assert.Equal(1024, json.GetProperty("contextSize").GetInt32());
        Assert.Equal("Cpu", json.GetProperty("backend").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("adapter").ValueKind);
        await using var file = File.OpenRead(TestModels.Tiny());
        Assert.Equal(Convert.ToHexStringLower(await SHA256.HashDataAsync(file)), json.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_key()
    {
        using var live = await Client.GetAsync("/health/live");
        using var ready = await Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Swagger_documents_every_endpoint_with_schemas_and_examples()
    {
        var doc = await Client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/judge", "/judge/batch", "/model", "/health/live", "/health/ready" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        foreach (var schema in new[] { "JudgeRequest", "JudgeResponse", "JudgeBatchRequest", "JudgeBatchResponse", "ModelResponse" })
            Assert.True(schemas.GetProperty(schema).TryGetProperty("example", out _), schema);
        using var ui = await Client.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }
}
