using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Tests.SelfTaught;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.Hardening;

/// <summary>Checking an uploaded adapter decodes with it; what that decode computes must not reach any judgment after it.</summary>
public sealed class AdapterCheckTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public async Task An_adapter_whose_keys_overflow_is_refused_and_leaves_every_later_judgment_finite(int sharedPrefixTokens)
    {
        using var directory = new TempDirectory();
        // Finite factors on the first layer's keys whose product overflows: the keys it writes are infinite.
        var overflowing = Path.Combine(directory.Path, "overflowing.gguf");
        LoraAdapterWriter.Write(overflowing, TestModels.Tiny(), 2f,
            [new LoraTensorPair("blk.0.attn_k.weight", 2, [.. Enumerable.Repeat(1e18f, 64 * 2)], [.. Enumerable.Repeat(1e18f, 2 * 32)])]);
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var engine = new LlamaJudgeEngine(Options.Create(new JudgeOptions
        {
            ModelPath = TestModels.Tiny(),
            ContextSize = 1024,
            Sequences = 4,
            KvCacheTokens = 2048,
            Threads = 1,
            ReservedInteractiveSequences = 0,
            SharedPrefixTokens = sharedPrefixTokens,
        }), new JudgeMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<LlamaJudgeEngine>.Instance);
        engine.Load();

        var refused = await Assert.ThrowsAsync<LlamaAdapterException>(() => engine.CheckAdapterAsync(overflowing, CancellationToken.None));
        Assert.Contains("not finite", refused.Message);

        // Both orders of several pairs at once, so that batches are long and their cells sit beside the check's.
        var requests = Enumerable.Range(0, 4).SelectMany(i => new[]
        {
            new JudgeOnceRequest($"Which number is larger, {i} or {i + 7}? Answer with a sentence.", $"{i + 7} is larger.", $"{i} is larger.", Mode: JudgeMode.Direct),
            new JudgeOnceRequest($"Which number is larger, {i} or {i + 7}? Answer with a sentence.", $"{i} is larger.", $"{i + 7} is larger.", Mode: JudgeMode.Direct),
        }).ToArray();
        var judged = await engine.JudgeManyAsync(requests, WorkPriority.Interactive, CancellationToken.None);
        Assert.All(judged, j => Assert.True(double.IsFinite(j.ProbabilityA), $"P(A) is {j.ProbabilityA}"));
    }
}
