using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>Bounds the judge requests admitted at once (<see cref="JudgeOptions.MaxQueue"/>); the rest are refused fast.</summary>
public sealed class JudgeAdmission(IOptions<JudgeOptions> options, JudgeMetrics metrics)
{
    /// <summary>Suggested wait before retrying a refused request.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>Admits one request until the returned lease is disposed; throws <see cref="JudgeQueueFullException"/> when full.</summary>
    public IDisposable Enter()
    {
        if (metrics.QueueEntered() > options.Value.MaxQueue)
        {
            metrics.QueueLeft();
            metrics.Rejected();
            throw new JudgeQueueFullException(options.Value.MaxQueue);
        }
        return new Lease(metrics);
    }

    private sealed class Lease(JudgeMetrics metrics) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                metrics.QueueLeft();
        }
    }
}

/// <summary>Every admission slot is taken; the service answers 503 with Retry-After.</summary>
public sealed class JudgeQueueFullException(int maxQueue)
    : Exception($"The judge queue is full ({maxQueue} requests in progress); retry after {JudgeAdmission.RetryAfter.TotalSeconds:0} s.");
