using System.Diagnostics.Metrics;
using JudgeApi.Judging.Scheduling;

namespace JudgeApi.Judging;

/// <summary>
/// The service's counters (meter "JudgeApi"): any OpenTelemetry or dotnet-counters listener can read them. The
/// scheduler reports its tokens through <see cref="ISchedulerObserver"/>.
/// </summary>
public sealed class JudgeMetrics : IDisposable, ISchedulerObserver
{
    public const string MeterName = "JudgeApi";

    private readonly Meter _meter;
    private readonly Counter<long> _judgments;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _cacheErrors;
    private readonly Counter<long> _cacheSkipped;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _promptTokensReused;
    private readonly Counter<long> _prefixCacheHits;
    private readonly Counter<long> _prefixCacheTokens;
    private int _queueLength;

    public JudgeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _judgments = _meter.CreateCounter<long>("judgeapi.judgments", description: "Judge requests answered");
        _cacheHits = _meter.CreateCounter<long>("judgeapi.cache.hits", description: "Judge requests answered from the cache");
        _cacheMisses = _meter.CreateCounter<long>("judgeapi.cache.misses", description: "Judge requests not in the cache");
        _cacheErrors = _meter.CreateCounter<long>("judgeapi.cache.errors", description: "Cache reads or writes that failed or timed out");
        _cacheSkipped = _meter.CreateCounter<long>("judgeapi.cache.skipped", description: "Cache reads or writes skipped while the cache's circuit was open");
        _tokens = _meter.CreateCounter<long>("judgeapi.tokens.generated", description: "Tokens sampled by the judge");
        _rejected = _meter.CreateCounter<long>("judgeapi.queue.rejected", description: "Judge requests refused because the queue was full");
        _promptTokensReused = _meter.CreateCounter<long>("judgeapi.tokens.prompt_reused",
            description: "Prompt tokens copied from another sequence's KV cache instead of decoded");
        _prefixCacheHits = _meter.CreateCounter<long>("judgeapi.prefix_cache.hits",
            description: "Sequences whose prompt started with a prefix cached from earlier requests");
        _prefixCacheTokens = _meter.CreateCounter<long>("judgeapi.prefix_cache.tokens_saved",
            description: "Prompt tokens copied from the prefix cache instead of decoded");
        _meter.CreateObservableGauge("judgeapi.queue.length", () => Volatile.Read(ref _queueLength), description: "Judge requests admitted and not yet answered");
    }

    public void Judged(string mode, bool cached) => _judgments.Add(1, new KeyValuePair<string, object?>("mode", mode), new KeyValuePair<string, object?>("cached", cached));
    public void CacheHit() => _cacheHits.Add(1);
    public void CacheMiss() => _cacheMisses.Add(1);
    public void CacheError() => _cacheErrors.Add(1);
    public void CacheSkipped() => _cacheSkipped.Add(1);
    public void TokensGenerated(int count) => _tokens.Add(count);
    public void PromptTokensCopied(int count) => _promptTokensReused.Add(count);

    public void PrefixCacheHit(int tokens)
    {
        _prefixCacheHits.Add(1);
        _prefixCacheTokens.Add(tokens);
    }

    public void Rejected() => _rejected.Add(1);
    /// <summary>Counts one more admitted request and returns the new length.</summary>
    public int QueueEntered() => Interlocked.Increment(ref _queueLength);
    public void QueueLeft() => Interlocked.Decrement(ref _queueLength);

    public void Dispose() => _meter.Dispose();
}
