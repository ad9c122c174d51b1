using System.Diagnostics.Metrics;
using JudgeApi.Judging.Scheduling;

namespace JudgeApi.Judging;

/// <summary>
/// The service's instruments (meter "JudgeApi"): counters, histograms and gauges that the host exports through
/// OpenTelemetry (Prometheus /metrics, OTLP) and dotnet-counters can read. The scheduler reports its tokens and queue
/// waits through <see cref="ISchedulerObserver"/>. Durations are in seconds, as OpenTelemetry's conventions ask.
/// </summary>
public sealed class JudgeMetrics : IDisposable, ISchedulerObserver
{
    public const string MeterName = "JudgeApi";

    // Bucket boundaries for what these histograms measure (the SDK's defaults suit milliseconds).
    private static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600] };
    private static readonly InstrumentAdvice<double> Rates = new() { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] };
    private static readonly InstrumentAdvice<double> Losses = new() { HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20] };

    private readonly Meter _meter;
    private readonly Counter<long> _judgments;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _cacheErrors;
    private readonly Counter<long> _cacheSkipped;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _promptTokensReused;
    private readonly Histogram<double> _judgmentDuration;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _decodeDuration;
    private readonly Histogram<double> _tokensPerSecond;
    private readonly Histogram<double> _stageDuration;
    private readonly Histogram<double> _trainingLoss;
    private readonly Histogram<double> _trainingTokensPerSecond;
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
        _judgmentDuration = _meter.CreateHistogram<double>("judgeapi.request.duration", "s", "Judge requests and chat completions, end to end (cache hits included)", advice: Seconds);
        _queueWait = _meter.CreateHistogram<double>("judgeapi.queue.wait", "s", "Time a sequence job waited for a free sequence", advice: Seconds);
        _timeToFirstToken = _meter.CreateHistogram<double>("judgeapi.time_to_first_token", "s", "From queueing a generating sequence to its first sampled token", advice: Seconds);
        _decodeDuration = _meter.CreateHistogram<double>("judgeapi.decode.duration", "s",
            "One decode step of the scheduler (by batch_tokens, and live: whether it carried interactive tokens)", advice: Seconds);
        _tokensPerSecond = _meter.CreateHistogram<double>("judgeapi.request.tokens_per_second", "{token}/s", "Tokens generated per second of one request", advice: Rates);
        _stageDuration = _meter.CreateHistogram<double>("judgeapi.iteration.stage.duration", "s", "Self-taught iteration stages, each run of one", advice: Seconds);
        _trainingLoss = _meter.CreateHistogram<double>("judgeapi.training.loss", description: "LoRA training loss per optimizer step", advice: Losses);
        _trainingTokensPerSecond = _meter.CreateHistogram<double>("judgeapi.training.tokens_per_second", "{token}/s", "LoRA training throughput, per optimizer step", advice: Rates);
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
    // Tagged by priority: a live request's wait is what a client feels; background work waits by design.
    void ISchedulerObserver.JobStarted(TimeSpan queued, SequencePriority priority) => _queueWait.Record(queued.TotalSeconds, Tag(priority));
    internal void FirstToken(TimeSpan sinceQueued, SequencePriority priority) => _timeToFirstToken.Record(sinceQueued.TotalSeconds, Tag(priority));

    // A step's time grows with its tokens: a live request's is the step it rides in plus the one in flight when it came.
    void ISchedulerObserver.Decoded(TimeSpan elapsed, int tokens, bool live) =>
        _decodeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("batch_tokens", tokens switch
        {
            <= 16 => "1-16",
            <= 64 => "17-64",
            <= 256 => "65-256",
            _ => "257+",
        }), new KeyValuePair<string, object?>("live", live));

    private static KeyValuePair<string, object?> Tag(SequencePriority priority) =>
        new("priority", priority == SequencePriority.Background ? "background" : "interactive");

    /// <param name="kind">"judge" or "chat".</param>
    public void RequestCompleted(string kind, TimeSpan elapsed, int generatedTokens)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        _judgmentDuration.Record(elapsed.TotalSeconds, tag);
        if (generatedTokens > 0)
            _tokensPerSecond.Record(generatedTokens / Math.Max(elapsed.TotalSeconds, 1e-6), tag);
    }

    public void StageCompleted(string stage, TimeSpan elapsed) => _stageDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    public void TrainingStep(double loss, double tokensPerSecond)
    {
        _trainingLoss.Record(loss);
        _trainingTokensPerSecond.Record(tokensPerSecond);
    }
    /// <summary>Counts one more admitted request and returns the new length.</summary>
    public int QueueEntered() => Interlocked.Increment(ref _queueLength);
    public void QueueLeft() => Interlocked.Decrement(ref _queueLength);

    public void Dispose() => _meter.Dispose();
}
