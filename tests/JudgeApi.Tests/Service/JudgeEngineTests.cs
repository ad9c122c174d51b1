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

    [Fact]
    public async Task A_cancelled_judgment_is_cancelled_not_left_running()
    {
        using var cancel = new CancellationTokenSource();
        var task = Engine.JudgeOnceAsync(new JudgeOnceRequest("Q?", "a", "b", MaxReasoningTokens: 600), WorkPriority.Background, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }
}
