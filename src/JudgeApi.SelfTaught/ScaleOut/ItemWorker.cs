using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// On a replica sharing the store that does not lead: works on the items of the running iteration's stage (classify,
/// synthesize, annotate) beside the leader, claiming them one at a time with a lease. Woken by any iteration change on
/// any replica, else it looks every <c>Judge:ScaleOut:PollMilliseconds</c>. An item that fails fails the iteration
/// with the replica's name in the error, as it would on the leader; a cancel stops it at the item boundary.
/// </summary>
public sealed class ItemWorker(IterationStore store, IterationStages stages, IterationEvents events, IIterationLeadership leadership, IIterationModel model,
    ItemLeases leases, SelfTaughtDatabase database, IOptions<ScaleOutOptions> options, ILogger<ItemWorker> logger) : BackgroundService
{
    private readonly TimeSpan poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var itemStages = stages.ItemStages;
        await model.WaitUntilReadyAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!leadership.IsLeader && store.Running() is { } iteration && itemStages.TryGetValue(iteration.Stage, out var stage))
                    await WorkAsync(iteration, stage, stoppingToken);
                await events.WaitForChangeAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
            {
                logger.LogWarning("Not working on items: {Location} cannot be reached ({Error}).", database.Path, e.Message);
                await Task.Delay(poll, stoppingToken);
            }
        }
    }

    private async Task WorkAsync(IterationRecord iteration, IItemStage stage, CancellationToken stoppingToken)
    {
        try
        {
            await stage.WorkAsync(iteration, () =>
            {
                events.Changed(iteration.Id);
                if (store.IsCancelRequested(iteration.Id))
                    throw new IterationCanceledException();
            }, stoppingToken);
        }
        catch (IterationCanceledException)
        {
            logger.LogInformation("Iteration {Number} was canceled; stopping its items here.", iteration.Number);
        }
        catch (Exception e) when (e is not OperationCanceledException && !SelfTaughtDatabase.IsUnavailable(e))
        {
            logger.LogError(e, "Iteration {Number}: an item of stage {Stage} failed on replica {Replica}.", iteration.Number, stage.Name, leases.Replica);
            if (store.Fail(iteration.Id, $"{e.Message} (stage {stage.Name}, replica {leases.Replica})"))
                events.Changed(iteration.Id);
        }
    }
}
