using System.Diagnostics;
using JudgeApi.Llama.IO;
using Microsoft.Extensions.Logging;

namespace JudgeApi.Judging;

/// <summary>
/// Answers one judge request: cache lookup, then samples x orders judgments through <see cref="IJudgeEngine"/>
/// (all queued at once so the scheduler decodes them together), combined by mean probability and by vote.
/// </summary>
public sealed class JudgeService(IJudgeEngine engine, JudgmentCache cache, JudgeAdmission admission, JudgeMetrics metrics, ILogger<JudgeService> logger)
{
    /// <summary>Judges with the weights that serve now (the active adapter, or the base model).</summary>
    public Task<JudgeResponse> JudgeAsync(JudgeParameters request, bool useCache, CancellationToken cancellationToken) =>
        JudgeAsync(request, engine.Model, useCache, cancellationToken);

    /// <summary>
    /// Judges with chosen weights, whatever serves (the console's side-by-side playground: base against an iteration's
    /// adapter). The cache key names those weights' content, as for the active ones.
    /// </summary>
    public Task<JudgeResponse> JudgeWithAsync(JudgeParameters request, JudgeWeights weights, bool useCache, CancellationToken cancellationToken)
    {
        var adapter = weights.AdapterPath is null ? null : Path.GetFullPath(weights.AdapterPath);
        var model = engine.Model with { AdapterPath = adapter, AdapterHash = adapter is null ? null : FileHash.Sha256(adapter) };
        return JudgeAsync(request, model, useCache, cancellationToken);
    }

    private async Task<JudgeResponse> JudgeAsync(JudgeParameters request, JudgeModelInfo model, bool useCache, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var id = Guid.NewGuid().ToString("N");
        var key = JudgmentCache.Key(request, model);
        var mode = JudgeModes.Name(request.Mode);

        if (useCache && await cache.GetAsync(key, cancellationToken) is { } hit)
        {
            metrics.CacheHit();
            metrics.Judged(mode, cached: true);
            var answer = hit with { Id = id, Cached = true, ElapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds };
            logger.LogInformation("Judgment {JudgmentId}: {Winner} (pA {ProbabilityA:0.000}) from cache in {ElapsedMs:0.0} ms",
                id, answer.Winner, answer.ProbabilityA, answer.ElapsedMs);
            return answer;
        }
        metrics.CacheMiss();

        JudgeResponse response;
        int judgmentCount;
        using (admission.Enter())
        {
            var orders = Enumerable.Range(0, request.Samples)
                .SelectMany(sample => request.Swap ? [(sample, false), (sample, true)] : new[] { (sample, false) })
                .ToArray();
            // Pinned to the weights `model` names, so an adapter swap mid-request cannot mislabel the answer or its cache key.
            var weights = new JudgeWeights(model.AdapterPath);
            var judgments = await engine.JudgeManyAsync(orders.Select(o => OrderRequest(request, o.sample, o.Item2) with { Weights = weights }).ToArray(),
                WorkPriority.Interactive, cancellationToken);
            var results = orders.Zip(judgments, (o, j) => new OrderedJudgment(o.Item2, j)).ToArray();
            judgmentCount = results.Length;
            response = Combine(id, request, model, results, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        await cache.SetAsync(key, response, cancellationToken);
        metrics.Judged(mode, cached: false);
        logger.LogInformation(
            "Judgment {JudgmentId}: {Winner} (pA {ProbabilityA:0.000}, votes {VotesA}-{VotesB}) in {ElapsedMs:0.0} ms; mode {Mode}, {Judgments} judgments, {ReasoningTokens} reasoning tokens",
            id, response.Winner, response.ProbabilityA, response.Votes.A, response.Votes.B, response.ElapsedMs, mode, judgmentCount, response.ReasoningTokens);
        return response;
    }

    private static JudgeOnceRequest OrderRequest(JudgeParameters r, int sample, bool swapped) =>
        new(r.Instruction, swapped ? r.ResponseB : r.ResponseA, swapped ? r.ResponseA : r.ResponseB,
            r.Criteria, r.Mode, r.MaxReasoningTokens, r.Temperature, JudgeBehavior.SampleSeed(r.Seed, sample, swapped));

    private static JudgeResponse Combine(string id, JudgeParameters request, JudgeModelInfo model, OrderedJudgment[] results, double elapsedMs)
    {
        // Map each judgment back to the request's A/B: in the swapped order the first-shown response is B.
        var probabilitiesA = results.Select(r => r.Swapped ? 1 - r.Result.ProbabilityA : r.Result.ProbabilityA).ToArray();
        var votesA = results.Count(r => (r.Result.Verdict == JudgePrompt.LabelA) != r.Swapped);
        var probabilityA = probabilitiesA.Average();
        var winner = JudgeBehavior.Default.Winner(probabilityA);
        var original = results.Where(r => !r.Swapped).Select(r => r.Result).ToArray();
        var shown = original.FirstOrDefault(r => r.Verdict == winner) ?? original[0];
        return new JudgeResponse(id, winner, Math.Max(probabilityA, 1 - probabilityA), probabilityA, shown.Reasoning, shown.Thinking,
            new JudgeVotes(votesA, results.Length - votesA),
            new JudgeModelRef(Path.GetFileName(model.Path), model.AdapterPath is null ? null : Path.GetFileName(model.AdapterPath)),
            Cached: false, elapsedMs, JudgeModes.Name(request.Mode), JudgePrompt.Version, model.BehaviorVersion,
            results.Sum(r => r.Result.ReasoningTokens), results.Any(r => r.Result.HitTokenLimit), results.Sum(r => r.Result.PromptTokens));
    }

    private sealed record OrderedJudgment(bool Swapped, JudgeOnceResult Result);
}
