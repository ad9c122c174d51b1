using System.Net;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Ecosystem;

/// <summary>Admission through ASP.NET Core's rate limiter, partitioned per API key: a busy key is told to wait, the others are not.</summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task A_key_over_its_share_gets_429_with_retry_after_while_another_key_is_served()
    {
        await using var server = await JudgeServer.StartAsync(("Judge:MaxQueue", "4"), ("Judge:MaxQueuePerKey", "1"), ("Judge:Sequences", "3"),
            ("Judge:ContextSize", "8192"), ("Auth:ClientKeys:0", "noisy-key"), ("Auth:ClientKeys:1", "quiet-key"));
        using var noisy = Client(server, "noisy-key");
        using var quiet = Client(server, "quiet-key");

        // A long judgment (both orders: two of the three sequences) holds the noisy key's only place until it is cancelled.
        using var cancel = new CancellationTokenSource();
        var longRequest = noisy.PostJudgeAsync(JudgeRequests.Valid(("maxReasoningTokens", 3500), ("temperature", 0)), cancel.Token);
        using var meter = new JudgeMeter(server.Services);
        for (var attempt = 0; attempt < 1200 && meter.Gauge("judgeapi.queue.length") != 1; attempt++)
            await Task.Delay(50);
        var refused = await noisy.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct")));
        using (refused)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Judge:MaxQueuePerKey", await refused.Content.ReadAsStringAsync());
        }
        using (var served = await quiet.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct"))))
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.False(longRequest.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => longRequest);
    }

    [Fact]
    public async Task Readiness_checks_the_model_and_sqlite_and_a_dead_redis_only_degrades_it()
    {
        await using var server = await JudgeServer.StartAsync(("ConnectionStrings:Redis", "127.0.0.1:1"));
        using var ready = await server.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("Degraded", body["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["judge-model"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["state-store"]!["status"]!.GetValue<string>());
        Assert.Equal("Degraded", body["checks"]!["redis"]!["status"]!.GetValue<string>());
        using var live = await server.Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private static HttpClient Client(JudgeServer server, string key)
    {
        var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        return client;
    }
}
