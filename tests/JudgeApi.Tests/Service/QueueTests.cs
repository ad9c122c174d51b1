using System.Net;
using JudgeApi.Judging;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.Service;

public sealed class QueueTests
{
    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_a_disconnect_cancels_the_work()
    {
        await using var server = await JudgeServer.StartAsync(("Judge:MaxQueue", "1"), ("Judge:Sequences", "2"), ("Judge:ContextSize", "8192"));
        using var meter = new JudgeMeter(server.Services);
        var engine = server.Services.GetRequiredService<LlamaJudgeEngine>();

        // A long judgment holds the only admission slot until its client goes away.
        using var disconnect = new CancellationTokenSource();
        var longRequest = server.Client.PostJudgeAsync(JudgeRequests.Valid(("maxReasoningTokens", 3500), ("samples", 2), ("temperature", 0)), disconnect.Token);
        await Until(() => meter.Gauge("judgeapi.queue.length") == 1 && engine.PendingSequences > 0);

        using (var refused = await server.Client.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct"))))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => longRequest);
        await Until(() => meter.Gauge("judgeapi.queue.length") == 0 && engine.PendingSequences == 0);

        using var accepted = await server.Client.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct")));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 1200 && !condition(); attempt++)
            await Task.Delay(50);
        Assert.True(condition());
    }
}
