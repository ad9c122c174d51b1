using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.Tests.Service;
using Xunit.Abstractions;

namespace JudgeApi.Tests.Hardening;

/// <summary>
/// Redis killed or frozen (SIGSTOP) while eight clients judge: the breaker opens on the first burst, so only the
/// requests in flight pay a timeout and then one probe per break; no judgment fails; the cache serves again after.
/// Counts are asserted, times only printed.
/// </summary>
public sealed class CacheOutageTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int BreakSeconds = 1;

    [Theory]
    [InlineData("killed")]
    [InlineData("hung")]
    public async Task Under_load_an_outage_costs_one_timeout_per_request_in_flight_then_one_probe_per_break(string outage)
    {
        using var redis = await RedisServer.StartAsync();
        await using var server = await JudgeServer.StartAsync(("ConnectionStrings:Redis", redis.ConnectionString), ("Judge:CacheTimeoutMs", "1000"),
            ("Judge:CacheBreakSeconds", BreakSeconds.ToString()), ("Judge:Sequences", Clients.ToString()));
        using var meter = new JudgeMeter(server.Services);
        var repeated = JudgeRequests.Valid(("mode", "direct"));
        await JudgeAsync(server.Client, repeated);
        Assert.True((await JudgeAsync(server.Client, repeated)).Cached, "the cache works before the outage");

        var healthy = await LoadAsync(server.Client, requestsPerClient: 4);
        var (errorsBefore, skippedBefore) = (meter.Total("judgeapi.cache.errors"), meter.Total("judgeapi.cache.skipped"));
        if (outage == "killed")
            redis.Stop();
        else
            redis.Pause();
        var clock = Stopwatch.StartNew();
        var during = await LoadAsync(server.Client, requestsPerClient: 8);
        var elapsed = clock.Elapsed;
        var (errors, skipped) = (meter.Total("judgeapi.cache.errors") - errorsBefore, meter.Total("judgeapi.cache.skipped") - skippedBefore);

        var calls = 2 * during.Count; // a read and a write per fresh request
        var probes = (int)Math.Ceiling(elapsed.TotalSeconds / BreakSeconds) + 1;
        output.WriteLine($"{outage}: {during.Count} requests in {elapsed.TotalSeconds:0.0} s, p50 {P50(healthy):0} ms before, {P50(during):0} ms during; " +
                         $"{errors} cache calls failed, {skipped} skipped, of {calls}");
        Assert.All(during, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.True(errors <= 2 * Clients + probes, $"{errors} cache calls paid a failure; at most {2 * Clients} in flight plus {probes} probes should");
        Assert.Equal(calls, errors + skipped);

        if (outage == "hung")
            redis.Resume();
        else
            return; // a killed Redis stays down: the outage half is what this case checks
        await Task.Delay(TimeSpan.FromSeconds(BreakSeconds + 0.5));
        await JudgeAsync(server.Client, repeated); // the probe: it finds Redis again and closes the breaker
        Assert.True((await JudgeAsync(server.Client, repeated)).Cached, "the cache serves again once Redis is back");
    }

    private static double P50(IReadOnlyList<Outcome> outcomes) => outcomes.Select(o => o.Milliseconds).Order().ElementAt(outcomes.Count / 2);

    private sealed record Outcome(HttpStatusCode Status, double Milliseconds, bool Cached);

    /// <summary>Each client judges fresh requests one after another (every one misses the cache, then writes it).</summary>
    private static async Task<IReadOnlyList<Outcome>> LoadAsync(HttpClient client, int requestsPerClient)
    {
        var perClient = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            var outcomes = new List<Outcome>();
            for (var i = 0; i < requestsPerClient; i++)
                outcomes.Add(await JudgeAsync(client, JudgeRequests.Valid(("mode", "direct"))));
            return outcomes;
        }));
        return [.. perClient.SelectMany(o => o)];
    }

    private static async Task<Outcome> JudgeAsync(HttpClient client, object body)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.PostJudgeAsync(body);
        var cached = response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cached").GetBoolean();
        return new Outcome(response.StatusCode, clock.Elapsed.TotalMilliseconds, cached);
    }
}
