using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JudgeApi.Contracts;
using JudgeApi.Options;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>
/// Judgments by key over <see cref="IDistributedCache"/> (Redis or in-process). The cache is an optimisation only:
/// a read or write that fails or takes longer than <see cref="JudgeOptions.CacheTimeoutMs"/> is logged and skipped.
/// </summary>
public sealed class JudgmentCache(IDistributedCache cache, IOptions<JudgeOptions> options, JudgeMetrics metrics, ILogger<JudgmentCache> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Covers everything that decides the answer: model and adapter content, prompt template version, every
    /// request field after defaults.
    /// </summary>
    public static string Key(JudgeParameters parameters, JudgeModelInfo model)
    {
        var identity = JsonSerializer.Serialize(new
        {
            prompt = JudgePrompt.Version,
            model = model.ContentHash,
            adapter = model.AdapterHash,
            request = parameters,
        }, Json);
        return "judge:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    public async Task<JudgeResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await Guarded("read", token => cache.GetAsync(key, token), cancellationToken);
        return bytes is null ? null : JsonSerializer.Deserialize<JudgeResponse>(bytes, Json);
    }

    public Task SetAsync(string key, JudgeResponse response, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(response, Json);
        var entry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(options.Value.CacheTtlMinutes) };
        return Guarded<object?>("write", async token => { await cache.SetAsync(key, bytes, entry, token); return null; }, cancellationToken);
    }

    private async Task<T?> Guarded<T>(string operation, Func<CancellationToken, Task<T?>> action, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.CacheTimeoutMs);
        try
        {
            return await action(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.CacheError();
            logger.LogWarning("Judgment cache {Operation} failed ({Error}); answering without the cache.", operation,
                ex is OperationCanceledException ? $"no answer within {options.Value.CacheTimeoutMs} ms" : ex.Message);
            return default;
        }
    }
}
