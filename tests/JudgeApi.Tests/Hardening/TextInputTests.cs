using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Hardening;

/// <summary>One text rule for judge requests and imports; an import's bad entries fail alone and its answer stays small.</summary>
public sealed class TextInputTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private async Task<JsonElement> ImportAsync(string body, string mediaType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        using var response = await Client.PostAsync("/instructions", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static string Unique(string text) => $"{text} {Guid.NewGuid():N}";

    private static int[] RejectedIndexes(JsonElement outcome) =>
        [.. outcome.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("index").GetInt32())];

    [Fact]
    public async Task An_escaped_lone_surrogate_rejects_only_its_entry_in_ndjson_arrays_and_sharegpt()
    {
        var ndjson = $"{{\"instruction\": \"{Unique("good one")}\"}}\n{{\"instruction\": \"bad \\ud800 here\"}}\n{{\"instruction\": \"{Unique("good two")}\"}}\n";
        var array = $"[\"{Unique("good three")}\", \"lone \\udc00 low\", {{\"instruction\": \"{Unique("good four")}\"}}]";
        var shareGpt = $"{{\"conversations\": [{{\"from\": \"human\", \"value\": \"broken \\ud83d text\"}}]}}\n{{\"conversations\": [{{\"from\": \"human\", \"value\": \"{Unique("fine")}\"}}]}}\n";

        var fromNdjson = await ImportAsync(ndjson, "application/x-ndjson");
        var fromArray = await ImportAsync(array, "application/json");
        var fromShareGpt = await ImportAsync(shareGpt, "application/x-ndjson");

        Assert.Equal((2, "1"), (fromNdjson.GetProperty("added").GetInt32(), string.Join(",", RejectedIndexes(fromNdjson))));
        Assert.Equal((2, "1"), (fromArray.GetProperty("added").GetInt32(), string.Join(",", RejectedIndexes(fromArray))));
        Assert.Equal((1, "0"), (fromShareGpt.GetProperty("added").GetInt32(), string.Join(",", RejectedIndexes(fromShareGpt))));
        Assert.Contains("surrogate", fromNdjson.GetProperty("rejected")[0].GetProperty("reason").GetString());
    }

    public static TheoryData<string> BinaryCharacters => new() { "\u0001", "\u001b", "\u007f", "\u0085", "\uFFFE", "\uFFFF", "\uFFFD", "\uFDD0" };

    [Theory]
    [MemberData(nameof(BinaryCharacters))]
    public async Task Judge_and_import_refuse_the_same_characters(string character)
    {
        using var judged = await Client.PostJudgeAsync(JudgeRequests.Valid(("responseB", $"before{character}after"), ("mode", "direct")));
        var imported = await ImportAsync(JsonSerializer.Serialize(new[] { $"before{character}after {Guid.NewGuid():N}" }), "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, judged.StatusCode);
        var errors = (await judged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["responseB"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, imported.GetProperty("added").GetInt32());
        Assert.Equal([0], RejectedIndexes(imported));
    }

    [Fact]
    public async Task Tabs_line_breaks_and_other_scripts_are_text_for_both()
    {
        var text = "Tabs\tand\r\nlines, ünïcödé, 漢字, emoji 🙂";

        using var judged = await Client.PostJudgeAsync(JudgeRequests.Valid(("responseA", text), ("mode", "direct")));
        var imported = await ImportAsync(JsonSerializer.Serialize(new[] { Unique(text) }), "application/json");

        Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
        Assert.Equal(1, imported.GetProperty("added").GetInt32());
    }

    [Fact]
    public async Task Only_configured_categories_are_stored()
    {
        var body = JsonSerializer.Serialize(new object[]
        {
            new { instruction = Unique("a math question"), category = "Math" },
            new { instruction = Unique("made-up category"), category = "astrology" },
            new { instruction = Unique("huge category"), category = new string('c', 5000) },
            new { instruction = Unique("nul category"), category = "math\u0000evil" },
        });

        var outcome = await ImportAsync(body, "application/json");
        var stats = await Client.GetFromJsonAsync<JsonElement>("/instructions/stats");

        Assert.Equal(1, outcome.GetProperty("added").GetInt32());
        Assert.Equal([1, 2, 3], RejectedIndexes(outcome));
        Assert.All(outcome.GetProperty("rejected").EnumerateArray(), r => Assert.Contains("configured categories", r.GetProperty("reason").GetString()));
        Assert.True(outcome.GetProperty("rejected")[1].GetProperty("reason").GetString()!.Length < 300, "the reason quotes a 5,000-character category");
        Assert.All(stats.GetProperty("byCategory").EnumerateObject(), c => Assert.Contains(c.Name, new[] { "coding", "math", "reasoning", "writing", "knowledge", "brainstorming", "other" }));
    }

    [Fact]
    public async Task A_megabyte_of_tiny_invalid_lines_gets_a_small_answer_that_counts_the_rest()
    {
        var lines = string.Concat(Enumerable.Repeat("x\n", 500_000));

        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(lines));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await Client.PostAsync("/instructions", content);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.Length < 64 * 1024, $"{body.Length} bytes answered 1 MB of junk");
        var outcome = JsonDocument.Parse(body).RootElement;
        Assert.Equal(100, outcome.GetProperty("rejected").GetArrayLength());
        Assert.Equal(500_000 - 100, outcome.GetProperty("rejectedNotListed").GetInt32());
    }

    [Theory]
    [InlineData("application/jsonl")]
    [InlineData("application/x-ndjson")]
    [InlineData("application/x-ndjson; charset=utf-8")]
    public async Task Ndjson_is_read_under_each_of_its_media_types(string mediaType)
    {
        var outcome = await ImportAsync($"{{\"instruction\": \"{Unique("as ndjson")}\"}}\n", mediaType);

        Assert.Equal(1, outcome.GetProperty("added").GetInt32());
    }

    [Theory]
    [InlineData("application/x-ndjson")]
    [InlineData("application/json")]
    public async Task A_utf8_byte_order_mark_is_not_part_of_the_first_entry(string mediaType)
    {
        var body = mediaType == "application/json" ? $"[\"{Unique("bom array")}\"]" : $"{{\"instruction\": \"{Unique("bom line")}\"}}\n";

        var outcome = await ImportAsync("\uFEFF" + body, mediaType);

        Assert.Equal((1, 0), (outcome.GetProperty("added").GetInt32(), outcome.GetProperty("rejected").GetArrayLength()));
    }
}
