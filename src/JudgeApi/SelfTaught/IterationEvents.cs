using System.Collections.Concurrent;
using System.Threading.Channels;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Tells watchers (the SSE endpoint) that an iteration changed; they read the new state from the store. Signals
/// coalesce, so a slow watcher sees the latest state rather than a backlog.
/// </summary>
public sealed class IterationEvents
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<bool>, byte>> watchers = new();

    public void Changed(string iterationId)
    {
        if (watchers.TryGetValue(iterationId, out var channels))
            foreach (var channel in channels.Keys)
                channel.Writer.TryWrite(true);
    }

    public Subscription Subscribe(string iterationId)
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        watchers.GetOrAdd(iterationId, _ => new()).TryAdd(channel, 0);
        return new(this, iterationId, channel);
    }

    public sealed class Subscription(IterationEvents owner, string iterationId, Channel<bool> channel) : IDisposable
    {
        public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => channel.Reader.WaitToReadAsync(cancellationToken);

        public void Consume() => channel.Reader.TryRead(out _);

        public void Dispose()
        {
            if (owner.watchers.TryGetValue(iterationId, out var channels))
                channels.TryRemove(channel, out _);
        }
    }
}
