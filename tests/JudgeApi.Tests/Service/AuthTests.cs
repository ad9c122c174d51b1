using System.Net;
using System.Net.Http.Headers;
using JudgeApi.Infrastructure;

namespace JudgeApi.Tests.Service;

public sealed class AuthTests
{
    private const string ClientKey = "client-key-1";
    private const string OperatorKey = "operator-key-1";

    private static Task<JudgeServer> StartWithKeysAsync() =>
        JudgeServer.StartAsync(("Auth:ClientKeys:0", ClientKey), ("Auth:OperatorKeys:0", OperatorKey));

    private static HttpRequestMessage Judge(Action<HttpRequestHeaders> authorize)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/judge") { Content = System.Net.Http.Json.JsonContent.Create(JudgeRequests.Valid(("mode", "direct"))) };
        authorize(request.Headers);
        return request;
    }

    [Fact]
    public async Task With_keys_judge_and_model_need_a_valid_client_or_operator_key()
    {
        await using var server = await StartWithKeysAsync();
        var client = server.Client;

        using var none = await client.SendAsync(Judge(_ => { }));
        using var wrong = await client.SendAsync(Judge(h => h.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key")));
        using var bearer = await client.SendAsync(Judge(h => h.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey)));
        using var apiKey = await client.SendAsync(Judge(h => h.Add("X-API-Key", ClientKey)));
        using var operatorKey = await client.SendAsync(Judge(h => h.Add("X-API-Key", OperatorKey)));
        using var model = await client.GetAsync("/model");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, apiKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, operatorKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, model.StatusCode);
    }

    [Fact]
    public async Task With_keys_health_and_swagger_stay_open()
    {
        await using var server = await StartWithKeysAsync();

        using var ready = await server.Client.GetAsync("/health/ready");
        using var live = await server.Client.GetAsync("/health/live");
        using var swagger = await server.Client.GetAsync("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, swagger.StatusCode);
    }

    [Fact]
    public async Task Without_keys_every_caller_is_served_but_only_on_loopback()
    {
        await using var server = await JudgeServer.StartAsync(("urls", "http://0.0.0.0:0"));

        using var response = await server.Client.SendAsync(Judge(_ => { }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(server.Urls, url => Assert.StartsWith("http://127.0.0.1:", url));
    }

    /// <summary>Kestrel's own endpoint configuration (also set as Kestrel__Endpoints__… variables) bypasses --urls.</summary>
    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://[::]:0")]
    [InlineData("http://*:0")]
    public async Task Without_keys_a_kestrel_endpoint_beyond_loopback_refuses_to_start_and_says_why(string url)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => JudgeServer.StartAsync(("Kestrel:Endpoints:Http:Url", url)));

        Assert.Contains("no API keys are configured", error.Message);
        Assert.Contains("loopback", error.Message);
    }

    [Fact]
    public async Task Without_keys_a_kestrel_endpoint_on_loopback_is_served()
    {
        await using var server = await JudgeServer.StartAsync(("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:0"));

        using var response = await server.Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_keys_a_kestrel_endpoint_beyond_loopback_is_allowed()
    {
        await using var server = await JudgeServer.StartAsync(("Auth:ClientKeys:0", ClientKey), ("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:0"));

        Assert.All(server.Urls, url => Assert.StartsWith("http://0.0.0.0:", url));
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080")]
    [InlineData("http://*:5000;https://+:5001", "http://127.0.0.1:5000;https://127.0.0.1:5001")]
    [InlineData("http://localhost:5000;http://[::1]:6000", "http://localhost:5000;http://[::1]:6000")]
    [InlineData("http://10.1.2.3:80/", "http://127.0.0.1:80/")]
    public void Listen_urls_are_restricted_to_loopback(string configured, string expected) =>
        Assert.Equal(expected, LoopbackUrls.Restrict(configured));
}
