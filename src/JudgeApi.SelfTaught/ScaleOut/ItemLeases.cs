using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>A claim's owner and how long it holds the item.</summary>
public sealed record ItemLease(string Owner, long Milliseconds);

/// <summary>
/// The leases of the items this replica works on (instructions to classify, pairs to synthesise or annotate, pairs to
/// evaluate with one set of weights): the
/// lease every claim takes, renewed every third of its length while the item is worked on here (<see cref="Hold"/>),
/// and released when the replica stops. An item this replica abandoned (its database went away mid-item, it lost the
/// lead) or a replica killed without stopping keeps its lease until it runs out; then any replica claims it again.
/// </summary>
public sealed class ItemLeases(SelfTaughtDatabase database, IOptions<ScaleOutOptions> options, ILogger<ItemLeases> logger) : BackgroundService
{
    /// <summary>Every table whose rows are items with a lease.</summary>
    private static readonly string[] LeasedTables = [InstructionPool.Table, PairStore.Table, EvaluationItems.Table];

    private readonly ConcurrentDictionary<(string Table, long Id), int> held = new();

    public ItemLease Lease { get; } = new(options.Value.EffectiveReplicaName, options.Value.LeaseSeconds * 1000L);

    /// <summary>Renews the lease of an item claimed here until the result is disposed (the item recorded or given up).</summary>
    public IDisposable Hold((string Table, long Id) item)
    {
        held.AddOrUpdate(item, 1, (_, count) => count + 1);
        return new Held(this, item);
    }

    private sealed class Held(ItemLeases leases, (string Table, long Id) item) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
                leases.Drop(item);
        }
    }

    private void Drop((string Table, long Id) item)
    {
        if (held.AddOrUpdate(item, 0, (_, count) => count - 1) <= 0)
            held.TryRemove(new KeyValuePair<(string Table, long Id), int>(item, 0));
    }

    /// <summary>This replica's name, as items record who did them.</summary>
    public string Replica => Lease.Owner;

    /// <summary>
    /// Frees every lease whoever holds it. Only for a store no other process uses (SQLite): a restarted process is a
    /// new owner, and the items its previous life held are free at once instead of after their lease.
    /// </summary>
    public void ReleaseAll()
    {
        if (database.IsShared)
            throw new InvalidOperationException("Leases of a shared store are freed by their owners or by time, never all at once.");
        database.Write(db =>
        {
            foreach (var table in LeasedTables)
                db.Execute($"UPDATE {table} SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL");
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromMilliseconds(Lease.Milliseconds / 3.0);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(every, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (stoppingToken.IsCancellationRequested)
                break;
            try
            {
                Renew(Lease);
            }
            catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
            {
                logger.LogWarning("Item leases not renewed: {Location} cannot be reached ({Error}).", database.Path, e.Message);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            Release(Lease.Owner);
        }
        catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
        {
            logger.LogWarning("Item leases not released at shutdown ({Error}); they run out by themselves.", e.Message);
        }
    }

    private void Renew(ItemLease lease)
    {
        var items = held.Keys.ToList();
        if (items.Count == 0)
            return;
        database.Claim(db =>
        {
            foreach (var (table, id) in items)
                db.Execute($"UPDATE {table} SET lease_until = {db.Dialect.NowMilliseconds} + @ms WHERE id = @id AND lease_owner = @owner",
                    ("@owner", lease.Owner), ("@ms", lease.Milliseconds), ("@id", id));
            return items.Count;
        });
    }

    private void Release(string owner) => database.Claim(db =>
        LeasedTables.Sum(table => db.Execute($"UPDATE {table} SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @owner", ("@owner", owner))));
}
