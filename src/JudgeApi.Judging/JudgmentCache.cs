using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>
/// Judgments by key over <see cref="IDistributedCache"/> (Redis or in-process). The cache is an optimisation only:
/// a read or write that fails or takes longer than <see cref="JudgeOptions.CacheTimeoutMs"/> is logged and skipped,
/// and once calls fail (<see cref="CacheBreaker"/>: two in a row, whatever request made them) every request skips
/// the cache for <see cref="JudgeOptions.CacheBreakSeconds"/>, after which one call tries it again, so an outage
/// costs the requests in flight when it starts one timeout each, and then one call per break.
/// </summary>
public sealed class JudgmentCache(IDistributedCache cache, IOptions<JudgeOptions> options, JudgeMetrics metrics, TimeProvider time, ILogger<JudgmentCache> logger)
{
    private readonly CacheBreaker breaker = new(TimeSpan.FromSeconds(options.Value.CacheBreakSeconds), time);
    private readonly TimeSpan timeout = TimeSpan.FromMilliseconds(options.Value.CacheTimeoutMs);

    /// <summary>
    /// Covers everything that decides the answer: model and adapter content, the judge behaviour (prompt, sampling,
    /// verdict reading, template; the multi-turn or tie prompt's when the request uses one), every request field after defaults.
    /// </summary>
    public static string Key(JudgeParameters parameters, JudgeModelInfo model)
    {
        var identity = JsonSerializer.Serialize(new
        {
            behavior = parameters.BehaviorVersion(model.BehaviorVersion),
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
        var entry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(options.Value.CacheTtlMinutes) };
        return Guarded<object?>("write", async token =>
        {
            await cache.SetAsync(key, JsonSerializer.SerializeToUtf8Bytes(response, JsonSerializerOptions.Web), entry, token);
            return null;
        }, cancellationToken);
    }

    private async Task<T?> Guarded<T>(string operation, Func<CancellationToken, Task<T?>> action, CancellationToken cancellationToken)
    {
        var permit = breaker.Enter();
        if (permit == CacheBreaker.Permit.Skip)
        {
            metrics.CacheSkipped();
            return default;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // WaitAsync: the timeout must hold even if a client ignores its token.
            var result = await action(deadline.Token).WaitAsync(deadline.Token);
            if (breaker.Succeeded(permit))
                logger.LogInformation("Judgment cache answers again.");
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.CacheError();
            logger.LogWarning("Judgment cache {Operation} failed ({Error}); answering without the cache.", operation,
                ex is OperationCanceledException ? $"no answer within {timeout.TotalMilliseconds} ms" : ex.Message);
            if (breaker.Failed(permit))
                logger.LogWarning("Judgment cache unavailable; answering without it for {Seconds} s before one call tries it again.", options.Value.CacheBreakSeconds);
            return default;
        }
        catch
        {
            breaker.Abandoned(permit);
            throw;
        }
    }
}
