using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using JudgeApi.Judging;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Ecosystem;

/// <summary>OpenTelemetry: the Prometheus scrape at /metrics has the judge's histograms, and a judgment's spans nest.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_after_a_judgment_and_a_chat_completion_have_the_latency_queue_first_token_and_rate_histograms()
    {
        await using var server = await JudgeServer.StartAsync();
        using (var judged = await server.Client.PostJudgeAsync(JudgeRequests.Valid(("maxReasoningTokens", 4))))
            Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
        using (var chat = await server.Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = Path.GetFileName(TestModels.Tiny()),
            messages = new[] { new { role = "user", content = "Hello" } },
            max_tokens = 3,
        }))
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        using var scrape = await server.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType!.MediaType);
        var text = await scrape.Content.ReadAsStringAsync();
        foreach (var histogram in new[]
                 {
                     "judgeapi_request_duration_seconds", "judgeapi_queue_wait_seconds", "judgeapi_time_to_first_token_seconds",
                     "judgeapi_request_tokens_per_second", "judgeapi_decode_duration_seconds", "http_server_request_duration_seconds",
                 })
        {
            Assert.Contains($"# TYPE {histogram} histogram", text);
            Assert.Matches($"{histogram}_count{{[^}}]*}} [1-9]", text);
        }
        // At least this test's requests: every "JudgeApi" meter in the process is exported, other tests' servers' too.
        Assert.Matches("judgeapi_request_duration_seconds_count{[^}]*kind=\"judge\"[^}]*} [1-9]", text);
        Assert.Matches("judgeapi_request_duration_seconds_count{[^}]*kind=\"chat\"[^}]*} [1-9]", text);
        Assert.Matches("judgeapi_judgments_total{[^}]*} [1-9]", text);
        // A live request's waits apart from background work's.
        Assert.Matches("judgeapi_queue_wait_seconds_count{[^}]*priority=\"interactive\"[^}]*} [1-9]", text);
        Assert.Matches("judgeapi_time_to_first_token_seconds_count{[^}]*priority=\"interactive\"[^}]*} [1-9]", text);
        // Decode steps by size and by whether they carried live work: the judgment's generated tokens decode one a step.
        Assert.Matches("judgeapi_decode_duration_seconds_count{(?=[^}]*live=\"true\")(?=[^}]*batch_tokens=\"1-16\")[^}]*} [1-9]", text);
    }

    [Fact]
    public async Task A_judgment_is_a_span_with_its_decode_work_inside_under_the_http_request()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is JudgeTelemetry.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                    spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await JudgeServer.StartAsync();
        string id;
        using (var judged = await server.Client.PostJudgeAsync(JudgeRequests.Valid(("maxReasoningTokens", 4))))
        {
            Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
            id = (await judged.Content.ReadFromJsonAsync<JudgeResponse>())!.Id;
        }

        Activity judge, decode, request;
        lock (spans)
        {
            // Other tests' servers run in this process too: this request's span carries its judgment id.
            judge = spans.Single(s => s.OperationName == "judge" && s.GetTagItem("judgeapi.judgment.id") as string == id);
            decode = spans.Single(s => s.OperationName == "judge.decode" && s.ParentSpanId == judge.SpanId);
            request = judge.Parent!;
        }
        Assert.Equal("Microsoft.AspNetCore.Hosting.HttpRequestIn", request.OperationName);
        Assert.Equal(judge.TraceId, decode.TraceId);
        Assert.Equal(request.TraceId, judge.TraceId);
        Assert.Equal(2, decode.GetTagItem("judgeapi.sequences")); // both orders
        Assert.True(decode.Duration <= judge.Duration);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_configured_traces_and_metrics_are_posted_to_it()
    {
        var port = ServerProcess.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            // Ends only by the cancellation below, which the wait throws however late it comes.
            while (true)
            {
                var context = await collector.GetContextAsync().WaitAsync(stop.Token);
                received[context.Request.Url!.AbsolutePath] = context.Request.ContentType ?? "";
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using (var server = await JudgeServer.StartAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{port}"),
                         ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"), ("OTEL_BSP_SCHEDULE_DELAY", "200"), ("OTEL_METRIC_EXPORT_INTERVAL", "500")))
        {
            using var judged = await server.Client.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct")));
            Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
            for (var attempt = 0; attempt < 600 && !(received.ContainsKey("/v1/traces") && received.ContainsKey("/v1/metrics")); attempt++)
                await Task.Delay(100);
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiving);

        Assert.Equal("application/x-protobuf", received["/v1/traces"]);
        Assert.Equal("application/x-protobuf", received["/v1/metrics"]);
    }

}
