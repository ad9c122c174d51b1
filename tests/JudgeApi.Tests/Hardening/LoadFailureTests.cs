using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Hardening;

/// <summary>A model that cannot be loaded is reported as a failed load, with the reason, not as "still loading" forever.</summary>
public sealed class LoadFailureTests
{
    [Fact]
    public async Task Judge_says_the_load_failed_and_why_without_asking_to_retry()
    {
        using var directory = new TempDirectory();
        var missing = Path.Combine(directory.Path, "no-such-model.gguf");
        await using var server = await JudgeServer.StartLoadingAsync(("Judge:ModelPath", missing));
        await WaitForFailedReadinessAsync(server.Client);

        using var judge = await server.Client.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct")));
        using var batch = await server.Client.PostAsJsonAsync("/judge/batch", new { items = new[] { JudgeRequests.Valid(("mode", "direct")) } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, judge.StatusCode);
        Assert.Equal("application/problem+json", judge.Content.Headers.ContentType?.MediaType);
        Assert.False(judge.Headers.Contains("Retry-After"), "a failed load is not cured by retrying");
        var problem = await judge.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("failed to load", problem.GetProperty("title").GetString());
        Assert.Contains("does not exist", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("still loading", problem.GetProperty("detail").GetString());
        var item = (await batch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")[0];
        Assert.Equal(503, item.GetProperty("status").GetInt32());
        Assert.Contains("does not exist", item.GetProperty("error").GetProperty("detail").GetString());
    }

    private static async Task WaitForFailedReadinessAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var ready = await client.GetAsync("/health/ready");
            if ((await ready.Content.ReadAsStringAsync()).Contains("failed to load"))
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException("Readiness never reported the failed load.");
    }
}
