using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace JudgeApi.Judging;

/// <summary>
/// Judgments by key over <see cref="IDistributedCache"/> (Redis or in-process). The cache is an optimisation only:
/// a read or write that fails or takes longer than <see cref="JudgeOptions.CacheTimeoutMs"/> is logged and skipped,
/// and while calls keep failing a circuit breaker skips the cache for <see cref="JudgeOptions.CacheBreakSeconds"/>
/// at a time, so an outage does not cost every request a timeout.
/// </summary>
public sealed class JudgmentCache
{
    private readonly IDistributedCache cache;
    private readonly IOptions<JudgeOptions> options;
    private readonly JudgeMetrics metrics;
    private readonly ILogger<JudgmentCache> logger;
    private readonly ResiliencePipeline guard;

    public JudgmentCache(IDistributedCache cache, IOptions<JudgeOptions> options, JudgeMetrics metrics, ILogger<JudgmentCache> logger)
    {
        this.cache = cache;
        this.options = options;
        this.metrics = metrics;
        this.logger = logger;
        var settings = options.Value;
        guard = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // Two calls in a row failing (a request's read and write) is enough to stop waiting on the cache.
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(settings.CacheBreakSeconds),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                OnOpened = args =>
                {
                    logger.LogWarning("Judgment cache unavailable; answering without it for {Seconds} s before trying it again.", args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("Judgment cache answers again.");
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromMilliseconds(settings.CacheTimeoutMs))
            .Build();
    }

    /// <summary>
    /// Covers everything that decides the answer: model and adapter content, the judge behaviour (prompt, sampling,
    /// verdict reading, template), every request field after defaults.
    /// </summary>
    public static string Key(JudgeParameters parameters, JudgeModelInfo model)
    {
        var identity = JsonSerializer.Serialize(new
        {
            behavior = model.BehaviorVersion,
            model = model.ContentHash,
            adapter = model.AdapterHash,
            request = parameters,
        }, JsonSerializerOptions.Web);
        return "judge:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    public async Task<JudgeResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await Guarded("read", token => cache.GetAsync(key, token), cancellationToken);
        return bytes is null ? null : JsonSerializer.Deserialize<JudgeResponse>(bytes, JsonSerializerOptions.Web);
    }

    public Task SetAsync(string key, JudgeResponse response, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(response, JsonSerializerOptions.Web);
        var entry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(options.Value.CacheTtlMinutes) };
        return Guarded<object?>("write", async token => { await cache.SetAsync(key, bytes, entry, token); return null; }, cancellationToken);
    }

    private async Task<T?> Guarded<T>(string operation, Func<CancellationToken, Task<T?>> action, CancellationToken cancellationToken)
    {
        try
        {
            // WaitAsync: the timeout must hold even if a client ignores its token.
            return await guard.ExecuteAsync(async token => await action(token).WaitAsync(token), cancellationToken);
        }
        catch (BrokenCircuitException)
        {
            metrics.CacheSkipped();
            return default;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.CacheError();
            logger.LogWarning("Judgment cache {Operation} failed ({Error}); answering without the cache.", operation,
                ex is TimeoutRejectedException ? $"no answer within {options.Value.CacheTimeoutMs} ms" : ex.Message);
            return default;
        }
    }
}
