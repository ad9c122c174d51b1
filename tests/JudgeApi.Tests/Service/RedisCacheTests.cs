using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;

namespace JudgeApi.Tests.Service;

public sealed class RedisCacheTests
{
    private static async Task<JsonElement> JudgeOkAsync(JudgeServer server, object body)
    {
        using var response = await server.Client.PostJudgeAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Judgments_are_cached_in_redis_and_served_when_redis_hangs_recovers_or_dies()
    {
        using var redis = await RedisServer.StartAsync();
        // A generous cache timeout: on a loaded test machine the default 250 ms can pass before Redis answers.
        await using var server = await JudgeServer.StartAsync(("ConnectionStrings:Redis", redis.ConnectionString), ("Judge:CacheTimeoutMs", "3000"),
            ("Judge:CacheBreakSeconds", "5"));
        using var meter = new JudgeMeter(server.Services);
        var body = JudgeRequests.Valid(("mode", "direct"));

        var first = await JudgeOkAsync(server, body);
        var second = await JudgeOkAsync(server, body);

        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean());
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
            Assert.NotEmpty(connection.GetServer(redis.ConnectionString).Keys(pattern: "judgeapi:judge:*"));

        redis.Pause();
        var whileHung = await JudgeOkAsync(server, body);
        Assert.False(whileHung.GetProperty("cached").GetBoolean());
        // Its read and write both timed out: the circuit is open and the next request does not wait on Redis.
        var skipsBefore = meter.Total("judgeapi.cache.skipped");
        var whileOpen = await JudgeOkAsync(server, body);
        Assert.False(whileOpen.GetProperty("cached").GetBoolean());
        Assert.True(meter.Total("judgeapi.cache.skipped") > skipsBefore);

        redis.Resume();
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        var recovered = await JudgeOkAsync(server, body);
        Assert.True(recovered.GetProperty("cached").GetBoolean());

        redis.Stop();
        Assert.False(await redis.AnswersPingAsync());

        var afterCached = await JudgeOkAsync(server, body);
        var afterFresh = await JudgeOkAsync(server, JudgeRequests.Valid(("mode", "direct")));
        Assert.False(afterCached.GetProperty("cached").GetBoolean());
        // Judged again, its prompt mostly copied from the prefix cache: the same answer up to the rounding of another batch shape.
        Assert.Equal(first.GetProperty("probabilityA").GetDouble(), afterCached.GetProperty("probabilityA").GetDouble(), 0.005);
        Assert.False(afterFresh.GetProperty("cached").GetBoolean());
    }
}
