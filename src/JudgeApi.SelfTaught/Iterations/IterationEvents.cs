using System.Threading.Channels;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Hands watchers (the SSE endpoint) the state of an iteration at each change, read from the store when it happens.
/// Progress coalesces, so a slow watcher gets the latest progress rather than a backlog; a change of status or stage
/// is never coalesced away, so a dashboard sees every stage even when one lasts less than its polling takes.
/// </summary>
public sealed class IterationEvents(IterationViews views)
{
    // One gate for reading and handing out states, so every watcher queues them in the order they were read.
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<Subscription>> watchers = [];

    public void Changed(string iterationId)
    {
        lock (gate)
        {
            if (!watchers.TryGetValue(iterationId, out var subscriptions) || views.View(iterationId) is not { } view)
                return;
            foreach (var subscription in subscriptions)
                subscription.Offer(view);
        }
    }

    /// <summary>A watcher whose first queued state is the iteration as it is now; null if there is no such iteration.</summary>
    public Subscription? Subscribe(string iterationId)
    {
        lock (gate)
        {
            if (views.View(iterationId) is not { } view)
                return null;
            var subscription = new Subscription(this, iterationId);
            subscription.Offer(view);
            (watchers.TryGetValue(iterationId, out var subscriptions) ? subscriptions : watchers[iterationId] = []).Add(subscription);
            return subscription;
        }
    }

    private void Unsubscribe(Subscription subscription, string iterationId)
    {
        lock (gate)
        {
            if (watchers.TryGetValue(iterationId, out var subscriptions) && subscriptions.Remove(subscription) && subscriptions.Count == 0)
                watchers.Remove(iterationId);
        }
    }

    public sealed class Subscription(IterationEvents owner, string iterationId) : IDisposable
    {
        private readonly Lock gate = new();
        private readonly List<IterationView> pending = [];
        private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        /// <summary>Queues a state; it replaces the last queued one when both have the same status and stage.</summary>
        internal void Offer(IterationView view)
        {
            lock (gate)
            {
                if (pending.Count > 0 && pending[^1].Status == view.Status && pending[^1].Stage == view.Stage)
                    pending[^1] = view;
                else
                    pending.Add(view);
            }
            wake.Writer.TryWrite(true);
        }

        /// <summary>Waits until a state is queued.</summary>
        public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => wake.Reader.WaitToReadAsync(cancellationToken);

        /// <summary>The states queued since the last call, oldest first.</summary>
        public IReadOnlyList<IterationView> Take()
        {
            wake.Reader.TryRead(out _);
            lock (gate)
            {
                var taken = pending.ToList();
                pending.Clear();
                return taken;
            }
        }

        public void Dispose() => owner.Unsubscribe(this, iterationId);
    }
}
