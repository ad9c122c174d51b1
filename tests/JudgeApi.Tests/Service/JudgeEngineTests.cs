using JudgeApi.Judging;
using JudgeApi.Llama;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.Service;

/// <summary>The engine entry points the self-taught pipeline uses, on the service's own scheduler.</summary>
public sealed class JudgeEngineTests(JudgeServerFixture fixture) : IClassFixture<JudgeServerFixture>
{
    private IJudgeEngine Engine => fixture.Server.Services.GetRequiredService<IJudgeEngine>();

    [Fact]
    public async Task Generate_follows_a_grammar()
    {
        var result = await Engine.GenerateAsync([new ChatMessage("user", "Answer yes or no.")],
            new GenerationRequest(MaxTokens: 8, Temperature: 1f, Seed: 3, Grammar: "root ::= \"yes\" | \"no\""), WorkPriority.Background, CancellationToken.None);

        Assert.Contains(result.Text, new[] { "yes", "no" });
        Assert.Equal(GenerationStopReason.EndOfGeneration, result.StopReason);
    }

    [Fact]
    public async Task Generate_stops_at_the_token_cap()
    {
        var result = await Engine.GenerateAsync([new ChatMessage("user", "Write a long story.")],
            new GenerationRequest(MaxTokens: 5), WorkPriority.Background, CancellationToken.None);

        Assert.Equal(5, result.TokenCount);
        Assert.Equal(GenerationStopReason.MaxTokens, result.StopReason);
    }

    [Fact]
    public async Task Judge_once_reports_the_cap_and_a_verdict_that_matches_its_probability()
    {
        var result = await Engine.JudgeOnceAsync(new JudgeOnceRequest("Q?", "first", "second", MaxReasoningTokens: 6, Temperature: 0.9f, Seed: 5),
            WorkPriority.Background, CancellationToken.None);

        Assert.InRange(result.ProbabilityA, 0, 1);
        Assert.Equal(result.ProbabilityA >= 0.5 ? JudgePrompt.LabelA : JudgePrompt.LabelB, result.Verdict);
        Assert.InRange(result.ReasoningTokens, 0, 6);
        Assert.Equal(result.ReasoningTokens == 6, result.HitTokenLimit);
    }

    [Fact]
    public async Task Judge_many_keeps_request_order_and_swapping_changes_what_is_judged()
    {
        var requests = new[]
        {
            new JudgeOnceRequest("Q?", "alpha", "beta", Mode: JudgeMode.Direct),
            new JudgeOnceRequest("Q?", "beta", "alpha", Mode: JudgeMode.Direct),
            new JudgeOnceRequest("Q?", "alpha", "beta", Mode: JudgeMode.Direct),
        };

        var results = await Engine.JudgeManyAsync(requests, WorkPriority.Interactive, CancellationToken.None);

        // Identical prompts in two sequences agree up to the rounding of differently composed batches.
        Assert.Equal(results[0].ProbabilityA, results[2].ProbabilityA, 0.005);
        Assert.True(Math.Abs(results[0].ProbabilityA - results[1].ProbabilityA) > 0.01,
            $"swapped order gave {results[1].ProbabilityA}, original {results[0].ProbabilityA}");
    }

    /// <summary>
    /// What lets a resumed self-taught iteration repeat an uninterrupted one with Judge:ReproducibleBackground: background
    /// work gives bit-identical results whatever else the scheduler is decoding (llama.cpp's CPU kernels do not when
    /// sequences share a batch), and whether or not it copied its prompt's KV cache from another job with the same prompt.
    /// </summary>
    [Fact]
    public async Task Reproducible_background_work_is_bit_identical_whatever_shares_the_scheduler()
    {
        await using var server = await JudgeServer.StartAsync(("Judge:ReproducibleBackground", "true"));
        var engine = server.Services.GetRequiredService<IJudgeEngine>();
        using var meter = new JudgeMeter(server.Services);
        var probe = new JudgeOnceRequest("Which answer is kinder?", "You can do it.", "Whatever.", MaxReasoningTokens: 12, Temperature: 0.9f, Seed: 11);
        JudgeOnceRequest[] probes = [probe, probe with { Seed = 12 }, probe with { Mode = JudgeMode.Direct }];
        var alone = new List<JudgeOnceResult>();
        foreach (var request in probes)
            alone.Add(await engine.JudgeOnceAsync(request, WorkPriority.Background, CancellationToken.None));

        var others = Enumerable.Range(0, 6).Select(i => new JudgeOnceRequest(
            string.Concat(Enumerable.Repeat($"Question {i} asks for a long comparison. ", 4 + 3 * i)), $"first {i}", $"second {i}",
            Mode: i % 2 == 0 ? JudgeMode.Reasoning : JudgeMode.Direct, MaxReasoningTokens: 10, Temperature: 0.7f, Seed: (uint)i)).ToArray();
        var interactive = engine.JudgeManyAsync(others, WorkPriority.Interactive, CancellationToken.None);
        var crowded = await engine.JudgeManyAsync([others[0], probes[0], probes[1], others[1], probes[2], others[2]], WorkPriority.Background, CancellationToken.None);
        await interactive;
        // Admitted together on an idle scheduler, the second probe waits for the first one's prompt and copies it.
        var reusedBefore = meter.Total("judgeapi.tokens.prompt_reused");
        var shared = await engine.JudgeManyAsync(probes, WorkPriority.Background, CancellationToken.None);

        Assert.Equal(alone, [crowded[1], crowded[2], crowded[4]]);
        Assert.Equal(alone, shared);
        Assert.Equal(alone[0].PromptTokens, meter.Total("judgeapi.tokens.prompt_reused") - reusedBefore);
        Assert.NotEqual(alone[0].Reasoning, alone[1].Reasoning);
    }

    /// <remarks>
    /// With 8-token decode steps the prompt takes about a hundred steps, so the second job almost always arrives while
    /// the first is still decoding it, waits to copy it, and is left to decode it itself when the first is cancelled.
    /// </remarks>
    [Fact]
    public async Task A_job_waiting_on_a_cancelled_jobs_prompt_decodes_it_itself()
    {
        await using var server = await JudgeServer.StartAsync(("Judge:BatchSize", "8"), ("Judge:ReproducibleBackground", "true"));
        var engine = server.Services.GetRequiredService<IJudgeEngine>();
        using var meter = new JudgeMeter(server.Services);
        var request = new JudgeOnceRequest(string.Concat(Enumerable.Repeat("Is this polite enough for a formal letter? ", 50)),
            "Please sit down.", "Sit.", MaxReasoningTokens: 8, Temperature: 0.9f, Seed: 4);
        var alone = await engine.JudgeOnceAsync(request, WorkPriority.Background, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var first = engine.JudgeOnceAsync(request with { Seed = 5, MaxReasoningTokens = 200 }, WorkPriority.Background, cancel.Token);
        await Task.Delay(5);
        var second = engine.JudgeOnceAsync(request, WorkPriority.Background, CancellationToken.None);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(alone, await second.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(0, meter.Total("judgeapi.tokens.prompt_reused"));
    }

    [Fact]
    public async Task Live_work_overtakes_queued_background_work()
    {
        var background = Enumerable.Range(0, 12).Select(i => Engine.GenerateAsync([new ChatMessage("user", $"Write story {i}.")],
            new GenerationRequest(MaxTokens: 24, Temperature: 0.8f, Seed: (uint)i), WorkPriority.Background, CancellationToken.None)).ToList();

        await Engine.JudgeOnceAsync(new JudgeOnceRequest("Q?", "a", "b", MaxReasoningTokens: 24, Temperature: 0.8f), WorkPriority.Interactive, CancellationToken.None);

        // Four sequences: the live request takes the first one to free up, ahead of the seven or more still queued.
        Assert.True(background.Count(t => !t.IsCompleted) >= 7, $"{background.Count(t => t.IsCompleted)} of 12 background jobs finished first");
        await Task.WhenAll(background);
    }

    [Fact]
    public async Task A_cancelled_judgment_is_cancelled_not_left_running()
    {
        using var cancel = new CancellationTokenSource();
        var task = Engine.JudgeOnceAsync(new JudgeOnceRequest("Q?", "a", "b", MaxReasoningTokens: 600), WorkPriority.Background, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }
}
