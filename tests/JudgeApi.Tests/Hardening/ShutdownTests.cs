using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Hardening;

/// <summary>
/// A stop signal drains: running requests finish within the grace period (Judge:ShutdownGraceSeconds) or are
/// answered 503 with Retry-After, never cut off; iteration work stops at an item boundary and resumes at the next start.
/// </summary>
public sealed class ShutdownTests
{
    /// <summary>Long judgments on one sequence: they queue, and the last ones cannot finish in a short grace period.</summary>
    private static Dictionary<string, object?> Long() => JudgeRequests.Valid(("maxReasoningTokens", 256), ("mode", "reasoning"), ("useCache", false));

    private static async Task WaitForQueueAsync(JudgeServer server, JudgeMeter meter, int length)
    {
        for (var attempt = 0; meter.Gauge("judgeapi.queue.length") < length; attempt++)
        {
            if (attempt > 3000)
                throw new TimeoutException($"Only {meter.Gauge("judgeapi.queue.length")} requests reached the queue.");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_request_running_when_the_stop_comes_is_answered_within_the_grace_period()
    {
        await using var server = await JudgeServer.StartAsync(("Judge:ShutdownGraceSeconds", "60"), ("Judge:Sequences", "1"));
        using var meter = new JudgeMeter(server.Services);
        var running = server.Client.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct")));
        await WaitForQueueAsync(server, meter, 1);

        await server.StopAsync();
        using var response = await running;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Requests_still_running_when_the_grace_period_ends_get_a_503_not_a_cut_connection()
    {
        const int Requests = 24;
        await using var server = await JudgeServer.StartAsync(("Judge:ShutdownGraceSeconds", "1"), ("Judge:Sequences", "1"), ("Judge:MaxQueue", "64"));
        using var meter = new JudgeMeter(server.Services);
        var running = Enumerable.Range(0, Requests).Select(_ => server.Client.PostJudgeAsync(Long())).ToList();
        await WaitForQueueAsync(server, meter, Requests);

        await server.StopAsync();
        var responses = await Task.WhenAll(running);

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        foreach (var response in refused)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.Contains("Retry-After"));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("The service is stopping.", problem.GetProperty("title").GetString());
        }
        responses.ToList().ForEach(r => r.Dispose());
    }

    /// <summary>SIGTERM in the middle of synthesis (or annotation, when synthesis was over before a poll saw it): the process exits by itself, the iteration stays running at its stage, and a restart finishes it.</summary>
    [Fact]
    public async Task Sigterm_during_synthesis_leaves_the_iteration_to_resume_and_a_restart_finishes_it()
    {
        using var data = new TempDirectory();
        var settings = LoopTestApi.TinySettings(data.Path, promotionMargin: 0);
        string id;
        await using (var server = await ServerProcess.StartAsync(data.Path, [.. settings, ("Judge:ShutdownGraceSeconds", "5")]))
        {
            await LoopTestApi.ImportInstructionsAsync(server.Client, 10);
            using var queued = await server.Client.PostAsJsonAsync("/iterations", new { instructions = 6, judgmentsPerPair = 2, seed = 5, train = false });
            id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            // Synthesis of six pairs on the tiny model can pass between two polls: the SIGTERM lands in the item work
            // (synthesis or annotation), which is what must stop and resume.
            await WaitForAsync(server.Client, id, v => v["stage"]!.GetValue<string>() is IterationStage.Synthesize or IterationStage.Annotate);

            var exitCode = await server.TerminateAsync();

            Assert.True(exitCode == 0, $"exit code {exitCode}:\n{server.Output}");
            Assert.Contains("resumes there at the next start", server.Output);
        }
        var stopped = new IterationViews(new SelfTaughtDatabase(data.Path, TimeProvider.System)).View(id)!;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Equal(IterationStatus.Running, stopped.Status);

        await using var restarted = await ServerProcess.StartAsync(data.Path, settings);
        var finished = await LoopTestApi.WaitFinishedAsync(restarted.Client, id);

        Assert.Equal("succeeded", finished["status"]!.GetValue<string>());
        Assert.Equal(6, finished["progress"]!["pairs"]!.GetValue<int>());
    }

    private static async Task WaitForAsync(HttpClient client, string id, Func<System.Text.Json.Nodes.JsonObject, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!condition(await LoopTestApi.IterationAsync(client, id)))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The iteration never reached the state the test waits for.");
            await Task.Delay(20);
        }
    }
}
