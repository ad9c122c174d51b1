using System.Net;
using JudgeApi.Judging;
using JudgeApi.Llama;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.Service;

/// <summary>The prefix cache and the token-sized KV cache through the engine: what hits, what it saves, what it changes.</summary>
public sealed class PrefixCacheTests
{
    private static readonly JudgeOnceRequest Pair = new("Which reply is more polite?", "Please take a seat.", "Sit.", Mode: JudgeMode.Direct);
    private static readonly JudgeOnceRequest Other = new("Name a prime number below ten.", "Seven.", "Eight.", Mode: JudgeMode.Direct);
    private static readonly JudgeOnceRequest Swapped = Pair with { First = Pair.Second, Second = Pair.First };

    private static int SharedTokens(JudgeOnceRequest a, JudgeOnceRequest b)
    {
        using var model = LlamaModel.Load(TestModels.Tiny(), new ModelOptions { VocabOnly = true });
        var tokenizer = new PromptTokenizer(new ChatTokenizer(model, ChatTemplate.For(model)));
        return tokenizer.Judge(a.Texts).Tokens.AsSpan()
            .CommonPrefixLength(tokenizer.Judge(b.Texts).Tokens);
    }

    [Fact]
    public async Task The_rubric_the_instruction_and_a_pairs_other_order_are_copied_from_the_prefix_cache()
    {
        await using var server = await JudgeServer.StartAsync();
        var engine = server.Services.GetRequiredService<IJudgeEngine>();
        using var meter = new JudgeMeter(server.Services);
        (long Hits, long Saved) Counted() => (meter.Total("judgeapi.prefix_cache.hits"), meter.Total("judgeapi.prefix_cache.tokens_saved"));

        await engine.JudgeOnceAsync(Pair, WorkPriority.Interactive, CancellationToken.None);
        Assert.Equal((0, 0), Counted());

        await engine.JudgeOnceAsync(Other, WorkPriority.Interactive, CancellationToken.None);
        var rubric = SharedTokens(Pair, Other);
        Assert.True(rubric > 100, $"the two prompts share {rubric} tokens");
        Assert.Equal((1, rubric), Counted());

        await engine.JudgeOnceAsync(Swapped, WorkPriority.Background, CancellationToken.None);
        var instruction = SharedTokens(Pair, Swapped);
        Assert.True(instruction > rubric);
        Assert.Equal((2, rubric + instruction), Counted());
    }

    /// <summary>
    /// Both orders of a pair start together; the second waits one step for the first's prompt and copies the rubric
    /// and the instruction from it instead of decoding them, or, with Judge:SharedPrefixTokens=0, decodes all but the
    /// cached rubric itself. P(A) does not depend on it beyond rounding (the copied cells sit elsewhere, the batches differ).
    /// </summary>
    [Theory]
    [InlineData(16)]
    [InlineData(0)]
    public async Task A_pairs_two_orders_judged_together_share_the_rubric_and_the_instruction(int sharedPrefixTokens)
    {
        await using var server = await JudgeServer.StartAsync(("Judge:SharedPrefixTokens", sharedPrefixTokens.ToString()));
        var engine = server.Services.GetRequiredService<IJudgeEngine>();
        using var meter = new JudgeMeter(server.Services);
        await engine.JudgeOnceAsync(Other, WorkPriority.Interactive, CancellationToken.None);
        var (hits, saved, copied) = (meter.Total("judgeapi.prefix_cache.hits"), meter.Total("judgeapi.prefix_cache.tokens_saved"),
            meter.Total("judgeapi.tokens.prompt_reused"));

        var together = await engine.JudgeManyAsync([Pair, Swapped], WorkPriority.Interactive, CancellationToken.None);

        var rubric = SharedTokens(Pair, Other);
        var instruction = SharedTokens(Pair, Swapped);
        Assert.True(instruction - rubric >= 16, $"the orders share {instruction - rubric} tokens past the rubric");
        var sharing = sharedPrefixTokens > 0;
        Assert.Equal(sharing ? (1, rubric, instruction) : (2, 2 * rubric, 0),
            (meter.Total("judgeapi.prefix_cache.hits") - hits, meter.Total("judgeapi.prefix_cache.tokens_saved") - saved,
                meter.Total("judgeapi.tokens.prompt_reused") - copied));
        await using var plain = await JudgeServer.StartAsync(("Judge:PrefixCacheTokens", "0"), ("Judge:SharedPrefixTokens", "0"));
        var decoded = await plain.Services.GetRequiredService<IJudgeEngine>().JudgeManyAsync([Pair, Swapped], WorkPriority.Interactive, CancellationToken.None);
        Assert.All(decoded.Zip(together), p => Assert.Equal(p.First.ProbabilityA, p.Second.ProbabilityA, 0.02));
    }

    /// <summary>
    /// With a KV stream per sequence a sequence keeps its last prompt: the next job goes to it and decodes only what
    /// follows the rubric; a job started beside it copies that stream (llama.cpp copies whole streams) rather than
    /// decoding the rubric again. P(A) matches a run without any reuse to rounding.
    /// </summary>
    [Fact]
    public async Task With_a_kv_stream_per_sequence_a_kept_prompt_is_reused_in_place_or_copied_whole()
    {
        await using var server = await JudgeServer.StartAsync(("Judge:KvUnified", "false"));
        var engine = server.Services.GetRequiredService<IJudgeEngine>();
        using var meter = new JudgeMeter(server.Services);
        (long Hits, long Saved, long Copied) Counted() => (meter.Total("judgeapi.prefix_cache.hits"),
            meter.Total("judgeapi.prefix_cache.tokens_saved"), meter.Total("judgeapi.tokens.prompt_reused"));

        await engine.JudgeOnceAsync(Pair, WorkPriority.Interactive, CancellationToken.None);
        Assert.Equal((0, 0, 0), Counted());
        await engine.JudgeOnceAsync(Other, WorkPriority.Interactive, CancellationToken.None);
        var rubric = SharedTokens(Pair, Other);
        Assert.Equal((1, rubric, 0), Counted());

        // The first order reuses the sequence holding Other's prompt; the second copies that sequence's rubric.
        var together = await engine.JudgeManyAsync([Pair, Swapped], WorkPriority.Interactive, CancellationToken.None);
        Assert.Equal((2, 2 * rubric, rubric), Counted());
        Assert.Equal(1024, engine.Model.ContextSize);

        await using var plain = await JudgeServer.StartAsync(("Judge:PrefixCacheTokens", "0"), ("Judge:SharedPrefixTokens", "0"));
        var decoded = await plain.Services.GetRequiredService<IJudgeEngine>().JudgeManyAsync([Pair, Swapped], WorkPriority.Interactive, CancellationToken.None);
        Assert.All(decoded.Zip(together), p => Assert.Equal(p.First.ProbabilityA, p.Second.ProbabilityA, 0.02));
    }

    /// <remarks>
    /// One token per decode and one sequence: every step has the same shape whether a prefix was copied or decoded. The
    /// cells still sit elsewhere in the unified cache (a copied prefix where the earlier prompt was decoded), and ggml's
    /// CPU attention rounds by cell layout, so P(A) agrees to rounding (seen: 6e-5) and everything sampled exactly.
    /// </remarks>
    [Fact]
    public async Task Judgments_from_cached_prefixes_equal_uncached_ones_when_decoding_is_batch_invariant()
    {
        (string, string)[] invariant = [("Judge:BatchSize", "1"), ("Judge:Sequences", "1")];
        JudgeOnceRequest[] pair =
        [
            Pair with { Mode = JudgeMode.Reasoning, MaxReasoningTokens = 6, Temperature = 0.9f, Seed = 3 },
            Swapped with { Mode = JudgeMode.Reasoning, MaxReasoningTokens = 6, Temperature = 0.9f, Seed = 3 },
            Swapped,
        ];
        JudgeOnceResult[] uncached;
        await using (var plain = await JudgeServer.StartAsync([.. invariant, ("Judge:PrefixCacheTokens", "0")]))
            uncached = await plain.Services.GetRequiredService<IJudgeEngine>().JudgeManyAsync(pair, WorkPriority.Interactive, CancellationToken.None);

        await using var server = await JudgeServer.StartAsync(invariant);
        var engine = server.Services.GetRequiredService<IJudgeEngine>();
        using var meter = new JudgeMeter(server.Services);
        var first = await engine.JudgeManyAsync(pair, WorkPriority.Interactive, CancellationToken.None);
        var again = await engine.JudgeManyAsync(pair, WorkPriority.Background, CancellationToken.None);

        foreach (var cached in new[] { first, again })
        {
            Assert.Equal(uncached.Select(r => r with { ProbabilityA = 0 }), cached.Select(r => r with { ProbabilityA = 0 }));
            Assert.All(uncached.Zip(cached), p => Assert.Equal(p.First.ProbabilityA, p.Second.ProbabilityA, 1e-3));
        }
        Assert.Equal(5, meter.Total("judgeapi.prefix_cache.hits"));
    }

    [Fact]
    public async Task A_judgment_that_cannot_fit_the_kv_cells_gets_400_before_anything_is_decoded()
    {
        await using var server = await JudgeServer.StartAsync(("Judge:KvCacheTokens", "512"));
        using var meter = new JudgeMeter(server.Services);
        var body = JudgeRequests.Valid(("responseA", string.Join(' ', Enumerable.Repeat("word", 400))), ("mode", "direct"));

        using var response = await server.Client.PostJudgeAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("512", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, meter.Total("judgeapi.prefix_cache.hits") + meter.Total("judgeapi.tokens.prompt_reused"));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct")))).StatusCode);
    }
}
