using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Hardening;

/// <summary>A field of the wrong JSON type is named in <c>errors</c> with a plain message, for a request and for each batch item.</summary>
public sealed class FieldErrorTests(JudgeServerFixture fixture) : IClassFixture<JudgeServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Client.PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("samples", "\"many\"", "whole number")]
    [InlineData("samples", "1e12", "whole number")]
    [InlineData("samples", "2.5", "whole number")]
    [InlineData("swap", "\"yes\"", "true or false")]
    [InlineData("temperature", "\"hot\"", "number")]
    [InlineData("instruction", "[1, 2]", "a string")]
    [InlineData("responseA", "{\"text\": \"a\"}", "a string")]
    [InlineData("seed", "true", "whole number")]
    public async Task A_type_error_names_the_field_in_errors_without_dotnet_type_names(string field, string value, string expected)
    {
        var json = $"{{\"instruction\": \"Q\", \"responseA\": \"a\", \"responseB\": \"b\", \"{field}\": {value}}}";

        var (status, body) = await PostAsync("/judge", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        Assert.Contains(expected, errors.GetProperty(field)[0].GetString());
        Assert.DoesNotContain("System.", body);
        Assert.DoesNotContain("Nullable", body);
        Assert.DoesNotContain("JudgeRequest", body);
    }

    [Fact]
    public async Task An_escaped_lone_surrogate_is_named_by_field()
    {
        var (status, body) = await PostAsync("/judge", "{\"instruction\": \"Q\", \"responseA\": \"a\", \"responseB\": \"broken \\ud800 text\"}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("surrogate", JsonDocument.Parse(body).RootElement.GetProperty("errors").GetProperty("responseB")[0].GetString());
    }

    [Fact]
    public async Task A_type_error_in_one_batch_item_fails_that_item_alone()
    {
        var good = "{\"instruction\": \"Which is larger? " + Guid.NewGuid().ToString("N") + "\", \"responseA\": \"9\", \"responseB\": \"7\", \"mode\": \"direct\"}";
        var json = $"{{\"items\": [{good}, {{\"instruction\": \"Q\", \"responseA\": \"a\", \"responseB\": \"b\", \"samples\": \"many\"}}, " +
                   "{\"instruction\": \"Q\", \"responseA\": \"a\", \"responseB\": \"b\", \"mode\": \"fast\"}, 42, null]}";

        var (status, body) = await PostAsync("/judge/batch", json);

        Assert.Equal(HttpStatusCode.OK, status);
        var items = JsonDocument.Parse(body).RootElement.GetProperty("items");
        Assert.Equal([200, 400, 400, 400, 400], items.EnumerateArray().Select(i => i.GetProperty("status").GetInt32()));
        Assert.Contains("whole number", items[1].GetProperty("error").GetProperty("errors").GetProperty("samples")[0].GetString());
        Assert.True(items[2].GetProperty("error").GetProperty("errors").TryGetProperty("mode", out _));
        Assert.Contains("object", items[3].GetProperty("error").GetProperty("errors").GetProperty("item")[0].GetString());
        Assert.DoesNotContain("System.", body);
    }

    [Theory]
    [InlineData("/judge/batch", "{\"items\": \"not a list\"}", "items")]
    [InlineData("/judge/batch", "{\"items\": 5}", "items")]
    [InlineData("/iterations", "{\"instructions\": \"many\"}", "instructions")]
    [InlineData("/iterations", "{\"categories\": \"math\"}", "categories")]
    [InlineData("/iterations", "{\"train\": 1}", "train")]
    [InlineData("/playground/judge", "{\"weights\": null}", "weights")] // found by the mutator: was a NullReferenceException, 500
    public async Task Other_bodies_name_the_field_too(string path, string json, string field)
    {
        var (status, body) = await PostAsync(path, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
        Assert.DoesNotContain("System.", body);
    }

    [Theory]
    [InlineData("{\"instruction\": \"a\", \"responseA\": ")]
    [InlineData("{\"instruction\" \"a\"}")]
    [InlineData("[1, 2, 3]")]
    public async Task A_body_that_is_not_a_json_object_says_so_in_detail(string json)
    {
        var (status, body) = await PostAsync("/judge", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith("The body", detail);
        Assert.DoesNotContain("System.", body);
    }

    /// <summary>Found by the corpus: a route that matches no endpoint (a non-numeric pair id) with an odd Accept was answered in plain text.</summary>
    [Theory]
    [InlineData("/iterations/1/pairs/not-a-number", "application/xml;q=abc, */*;;;")]
    [InlineData("/no-such-route", "text/html")]
    public async Task A_status_without_a_body_is_problem_json_whatever_the_accept_header(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
    }
}
