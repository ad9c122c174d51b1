using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>A stage whose work is items that any replica can claim (classify, synthesize, annotate, evaluate).</summary>
public interface IItemStage : IIterationStage
{
    /// <summary>Claims and records items of the running iteration until none is left to claim now (or the service is stopping); any replica runs it.</summary>
    Task WorkAsync(IterationRecord iteration, Action itemDone, CancellationToken cancellationToken, CancellationToken stopStarting);
}

/// <summary>
/// The shape of an item stage: items are claimed one at a time with a lease (<see cref="ItemLeases"/>), worked on a
/// few at a time, each recorded in its own transaction with the replica that did it. The leader's run works on them
/// like every replica, then waits for the items other replicas hold (recorded, or claimed again once their lease runs
/// out), and completes the stage when none is left.
/// </summary>
public abstract class ItemStage<TItem>(ItemLeases leases, IterationEvents events, IOptions<SelfTaughtOptions> options) : IItemStage where TItem : class
{
    public abstract string Name { get; }

    protected ItemLeases Leases => leases;

    /// <summary>The table that holds the item and its id there: what this replica's lease renewals name.</summary>
    protected abstract (string Table, long Id) Key(TItem item);

    /// <summary>The next item nobody holds, claimed for this replica; null when there is none now.</summary>
    protected abstract TItem? Claim(IterationRecord iteration, ItemLease lease);

    /// <summary>True while some item of the stage is not recorded (held by a replica or free).</summary>
    protected abstract bool AnyLeft(IterationRecord iteration);

    /// <summary>Works on one item and records it (false: another replica recorded it first, and nothing was written).</summary>
    protected abstract Task<bool> ProcessAsync(IterationRecord iteration, TItem item, CancellationToken cancellationToken);

    /// <summary>The leader's step before the items are worked on: makes them when the stage's own work does (evaluation).</summary>
    private protected virtual Task PrepareAsync(IterationContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The leader's step once every item is recorded: the stage's commit, with what it computes from the items.</summary>
    private protected virtual void Complete(IterationContext context) => context.Complete();

    /// <summary>How many items this replica works on at once.</summary>
    private protected virtual int Parallelism => options.Value.ItemParallelism;

    public async Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        await PrepareAsync(context, cancellationToken);
        var poll = TimeSpan.FromMilliseconds(Math.Max(50, leases.Lease.Milliseconds / 10));
        while (true)
        {
            await WorkAsync(context.Iteration, context.ItemDone, cancellationToken, context.StopStarting);
            if (!AnyLeft(context.Iteration))
                break;
            using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.StopStarting))
                await events.WaitForChangeAsync(poll, waiting.Token);
            context.ItemDone();
        }
        Complete(context);
    }

    public Task WorkAsync(IterationRecord iteration, Action itemDone, CancellationToken cancellationToken, CancellationToken stopStarting) => ItemWork.DrainAsync(
        () => Claim(iteration, leases.Lease),
        async (item, token) =>
        {
            // Renewed only while worked on here: an item abandoned (an outage, a lost lead) runs out and is claimed again.
            using (leases.Hold(Key(item)))
                await ProcessAsync(iteration, item, token);
            itemDone();
        },
        Parallelism, cancellationToken, stopStarting);
}
