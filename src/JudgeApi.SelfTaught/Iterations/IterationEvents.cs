using System.Threading.Channels;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Hands watchers (the SSE endpoint) the state of an iteration at each change, read from the store when it happens.
/// Progress coalesces, so a slow watcher gets the latest progress rather than a backlog; a change of status or stage
/// is never coalesced away, so a dashboard sees every stage even when one lasts less than its polling takes. A change
/// on another replica sharing the store arrives through <see cref="IReplicaBroadcast"/>, so a watcher on any replica
/// follows an iteration whichever replica records its items.
/// </summary>
public sealed class IterationEvents
{
    // One gate for reading and handing out states, so every watcher queues them in the order they were read.
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<Subscription>> watchers = [];
    private readonly IterationViews views;
    private readonly IReplicaBroadcast broadcast;
    private TaskCompletionSource nextChange = NewChange();

    public IterationEvents(IterationViews views, IReplicaBroadcast? broadcast = null)
    {
        this.views = views;
        this.broadcast = broadcast ?? new SingleNodeBroadcast();
        this.broadcast.Subscribe((topic, argument) =>
        {
            if (topic == ReplicaTopic.Iteration)
                Offer(argument);
            else if (topic == ReplicaTopic.Resync)
                Pulse();
        });
    }

    /// <summary>An iteration changed here: its watchers here and on every other replica read it again.</summary>
    public void Changed(string iterationId)
    {
        Offer(iterationId);
        broadcast.Publish(ReplicaTopic.Iteration, iterationId);
    }

    /// <summary>Waits for the next change of any iteration (here or on another replica), or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var change = Volatile.Read(ref nextChange).Task;
        await Task.WhenAny(change, Task.Delay(timeout, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewChange() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Pulse() => Interlocked.Exchange(ref nextChange, NewChange()).TrySetResult();

    private void Offer(string iterationId)
    {
        Pulse();
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
