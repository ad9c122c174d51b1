using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace JudgeApi.Tests.Service;

/// <summary>Every kind of bad input gets a clear 4xx problem and never reaches native code.</summary>
public sealed class BadInputTests(JudgeServerFixture fixture) : IClassFixture<JudgeServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private async Task<JsonElement> ErrorsAsync(object body)
    {
        using var response = await Client.PostJudgeAsync(body);
        return (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
    }

    private async Task<HttpResponseMessage> PostRawAsync(byte[] body, string mediaType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await Client.PostAsync("/judge", content);
    }

    [Fact]
    public async Task Missing_required_fields_are_reported_by_name()
    {
        var errors = await ErrorsAsync(new { criteria = "x" });

        Assert.Equal(["instruction", "responseA", "responseB"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Null_and_empty_strings_are_rejected()
    {
        var errors = await ErrorsAsync(new { instruction = (string?)null, responseA = "", responseB = "   " });

        Assert.True(errors.TryGetProperty("instruction", out _));
        Assert.True(errors.TryGetProperty("responseA", out _));
        Assert.True(errors.TryGetProperty("responseB", out _));
    }

    [Theory]
    [InlineData("samples", 0)]
    [InlineData("samples", 33)]
    [InlineData("maxReasoningTokens", 0)]
    [InlineData("maxReasoningTokens", 4097)]
    [InlineData("temperature", -0.1)]
    [InlineData("temperature", 2.5)]
    public async Task Numbers_out_of_range_are_rejected(string field, double value)
    {
        var errors = await ErrorsAsync(JudgeRequests.Valid((field, value)));

        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Unknown_mode_is_rejected()
    {
        var errors = await ErrorsAsync(JudgeRequests.Valid(("mode", "fast")));

        Assert.Contains("direct", errors.GetProperty("mode")[0].GetString());
    }

    [Fact]
    public async Task Nul_characters_are_rejected_by_field()
    {
        var errors = await ErrorsAsync(JudgeRequests.Valid(("responseA", "before\0after")));

        Assert.Equal(["responseA"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task An_unpaired_surrogate_is_a_400_problem()
    {
        // Raw JSON: a serializer would repair the lone surrogate before sending it.
        var body = "{\"instruction\": \"Q\", \"responseA\": \"a\", \"responseB\": \"broken \\ud800 text\"}";

        using var response = await PostRawAsync(Encoding.UTF8.GetBytes(body));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("{\"instruction\": \"a\", \"responseA\": ")]
    [InlineData("{\"instruction\": \"a\", \"responseA\": \"b\", \"responseB\": \"c\", \"samples\": \"many\"}")]
    [InlineData("{\"instruction\": \"a\", \"responseA\": \"b\", \"responseB\": \"c\", \"samples\": 1e12}")]
    [InlineData("{\"instruction\": \"a\", \"responseA\": \"b\", \"responseB\": \"c\", \"swap\": \"yes\"}")]
    [InlineData("{\"instruction\": [1, 2], \"responseA\": \"b\", \"responseB\": \"c\"}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Malformed_json_and_wrong_types_are_a_400_problem(string body)
    {
        using var response = await PostRawAsync(Encoding.UTF8.GetBytes(body));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400_problem()
    {
        byte[] body = [.. "{\"instruction\": \""u8, 0xC3, 0x28, 0xFF, .. "\", \"responseA\": \"b\", \"responseB\": \"c\"}"u8];

        using var response = await PostRawAsync(body);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var body = JudgeRequests.Valid(("responseA", new string('x', 1024 * 1024 + 10)));

        using var response = await Client.PostJudgeAsync(body);

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_says_by_how_many_tokens()
    {
        var body = JudgeRequests.Valid(("responseA", string.Join(' ', Enumerable.Repeat("longword", 3000))), ("mode", "direct"));

        using var response = await Client.PostJudgeAsync(body);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Matches(@"\d+ tokens too many", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_wrong_content_type_is_415()
    {
        using var response = await PostRawAsync("{}"u8.ToArray(), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Batch_over_256_items_or_empty_is_rejected()
    {
        using var tooMany = await Client.PostAsJsonAsync("/judge/batch", new { items = Enumerable.Repeat(JudgeRequests.Valid(), 257) });
        using var empty = await Client.PostAsJsonAsync("/judge/batch", new { items = Array.Empty<object>() });

        Assert.True((await ProblemAsync(tooMany, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("items", out _));
        Assert.True((await ProblemAsync(empty, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("items", out _));
    }

    [Fact]
    public async Task The_service_still_judges_after_bad_input()
    {
        using (await PostRawAsync([0xFF, 0xFE, 0x00])) { }

        using var response = await Client.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
