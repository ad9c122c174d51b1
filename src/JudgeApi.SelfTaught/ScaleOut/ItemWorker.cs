using JudgeApi.Judging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// On a replica sharing the store that does not lead: works on the items of the running iteration's stage (classify,
/// synthesize, annotate) beside the leader, claiming them one at a time with a lease. Woken by any iteration change on
/// any replica, else it looks every <c>Judge:ScaleOut:PollMilliseconds</c>. An item that fails fails the iteration
/// with the replica's name in the error, as it would on the leader; a cancel stops it at the item boundary. When the
/// service stops, no item is claimed and the running ones may finish within the grace period (<see cref="ShutdownGrace"/>).
/// </summary>
public sealed class ItemWorker(IterationStore store, IterationStages stages, IterationEvents events, IIterationLeadership leadership, IIterationModel model,
    ItemLeases leases, SelfTaughtDatabase database, ShutdownGrace grace, IOptions<ScaleOutOptions> options, ILogger<ItemWorker> logger) : BackgroundService
{
    private readonly TimeSpan poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);

    /// <summary>Waits for the running items to finish (they stop at the grace deadline at the latest) before the base class cancels the rest.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (ExecuteTask is { } running)
            await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var itemStages = stages.ItemStages;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, grace.Stopping);
        using var working = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, grace.Deadline);
        try
        {
            await model.WaitUntilReadyAsync(stop.Token);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (!leadership.IsLeader && store.Running() is { } iteration && itemStages.TryGetValue(iteration.Stage, out var stage))
                        await WorkAsync(iteration, stage, working.Token);
                    await events.WaitForChangeAsync(poll, stop.Token);
                }
                catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
                {
                    logger.LogWarning("Not working on items: {Location} cannot be reached ({Error}).", database.Path, e.Message);
                    await Task.Delay(poll, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: items not recorded here are claimed again once their leases run out.
        }
    }

    private async Task WorkAsync(IterationRecord iteration, IItemStage stage, CancellationToken cancellationToken)
    {
        try
        {
            await stage.WorkAsync(iteration, () =>
            {
                events.Changed(iteration.Id);
                if (store.IsCancelRequested(iteration.Id))
                    throw new IterationCanceledException();
            }, cancellationToken, grace.Stopping);
        }
        catch (IterationCanceledException)
        {
            logger.LogInformation("Iteration {Number} was canceled; stopping its items here.", iteration.Number);
        }
        catch (Exception) when (grace.Stopping.IsCancellationRequested)
        {
            // An item cut short by the stop is the stop, not the iteration's failure: its lease runs out and it is done again.
            throw new OperationCanceledException("The service is stopping.", grace.Stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException && !SelfTaughtDatabase.IsUnavailable(e))
        {
            logger.LogError(e, "Iteration {Number}: an item of stage {Stage} failed on replica {Replica}.", iteration.Number, stage.Name, leases.Replica);
            if (store.Fail(iteration.Id, $"{e.Message} (stage {stage.Name}, replica {leases.Replica})"))
                events.Changed(iteration.Id);
        }
    }
}
