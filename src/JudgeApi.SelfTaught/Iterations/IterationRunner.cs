using JudgeApi.Judging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Owns the iteration queue while this replica leads (<see cref="IIterationLeadership"/>; one node always does): runs
/// one iteration at a time, oldest first, through its stages (<see cref="IterationStages"/>), and resumes one that a
/// crash, a stop, a lost leader or a database outage left running. A failing iteration is marked failed with its error
/// and the runner moves on; losing the lead or the database stops the run where it is, for the next leader to resume.
/// When the service stops, the running items may finish within the grace period (<see cref="ShutdownGrace"/>) and no
/// new one starts; the iteration stays running and resumes at the next start.
/// </summary>
public sealed class IterationRunner(IterationStore store, IterationStages stages, IIterationModel model, IterationEvents events,
    IIterationLeadership leadership, SelfTaughtDatabase database, ShutdownGrace grace, IOptions<ScaleOutOptions> options, ILogger<IterationRunner> logger)
    : BackgroundService
{
    private readonly TimeSpan poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
    private readonly Lock gate = new();
    private (string Id, CancellationTokenSource Cancel)? current;

    /// <summary>Call after queueing an iteration: the leader, here or on another replica, looks at the queue.</summary>
    public void Wake(string iterationId) => events.Changed(iterationId);

    /// <summary>
    /// Records the cancel request and interrupts the run if this replica leads it; a leader elsewhere hears of it
    /// (<see cref="WatchForCancelAsync"/>), and replicas working on items stop at their next item boundary.
    /// </summary>
    public CancelOutcome Cancel(string id)
    {
        var outcome = store.RequestCancel(id);
        if (outcome == CancelOutcome.Requested)
            lock (gate)
                if (current is { } running && running.Id == id)
                    running.Cancel.Cancel();
        events.Changed(id);
        return outcome;
    }

    /// <summary>Waits for the running items to finish (they stop at the grace deadline at the latest) before the base class cancels the rest.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (ExecuteTask is { } running)
            await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, grace.Stopping);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var term = await leadership.AcquireAsync(stop.Token);
                // The run itself goes on through the grace period (items finish); picking the next iteration stops at once.
                using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term);
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(leading.Token, grace.Stopping);
                try
                {
                    await LeadAsync(leading.Token, idle.Token);
                }
                catch (OperationCanceledException) when (leading.IsCancellationRequested)
                {
                    if (!stop.IsCancellationRequested)
                        logger.LogWarning("Lost the lead; another replica resumes the running iteration where it is stored.");
                }
                catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
                {
                    logger.LogWarning("The iteration queue waits: {Location} cannot be reached ({Error}).", database.Path, e.Message);
                    await Task.Delay(poll, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping while idle, waiting for the lead or while the model loads.
        }
    }

    private async Task LeadAsync(CancellationToken leading, CancellationToken idle)
    {
        while (true)
        {
            idle.ThrowIfCancellationRequested();
            if (store.NextRunnable() is not { } iteration)
            {
                // Woken by a change of any iteration (one queued on any replica), else it looks again after a while.
                await events.WaitForChangeAsync(poll * 5, idle);
                continue;
            }
            await model.WaitUntilReadyAsync(idle);
            await RunAsync(iteration, leading);
        }
    }

    private async Task RunAsync(IterationRecord iteration, CancellationToken leading)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(leading, grace.Deadline);
        using var watching = new CancellationTokenSource();
        lock (gate)
            current = (iteration.Id, cancel);
        var watcher = WatchForCancelAsync(iteration.Id, cancel, watching.Token);
        try
        {
            if (iteration.Status == IterationStatus.Running)
                logger.LogInformation("Resuming iteration {Number} at stage {Stage}", iteration.Number, iteration.Stage);
            // A cancel can land between picking the iteration and starting it: a queued one is then already canceled.
            if (!store.MarkRunning(iteration.Id))
                return;
            if (iteration.CancelRequested)
                throw new IterationCanceledException();
            events.Changed(iteration.Id);
            await stages.RunAsync(iteration with { Status = IterationStatus.Running }, cancel.Token, grace.Stopping);
            store.SetStatus(iteration.Id, IterationStatus.Succeeded);
            logger.LogInformation("Iteration {Number} succeeded", iteration.Number);
        }
        // Whatever ends a run while the service stops (a cancel, a native call cut short) is the stop, not the iteration's failure:
        // the iteration stays running and the next start resumes it (and records a real failure then).
        catch (Exception) when (grace.Stopping.IsCancellationRequested)
        {
            logger.LogWarning("Iteration {Number} stops with the service at stage {Stage}; it resumes there at the next start.", iteration.Number,
                store.Find(iteration.Id)?.Stage ?? iteration.Stage);
            return;
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // No longer leading: the iteration stays running and resumes with the next leader.
            throw;
        }
        catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
        {
            // What was recorded stays; the run resumes from the stored stage once the database answers.
            throw;
        }
        catch (IterationEndedElsewhereException e)
        {
            logger.LogWarning("Iteration {Number}: {Reason}", iteration.Number, e.Message);
        }
        catch (Exception) when (store.IsCancelRequested(iteration.Id))
        {
            store.SetStatus(iteration.Id, IterationStatus.Canceled);
            logger.LogInformation("Iteration {Number} canceled", iteration.Number);
        }
        catch (Exception e)
        {
            store.SetStatus(iteration.Id, IterationStatus.Failed, e.Message);
            logger.LogError(e, "Iteration {Number} failed", iteration.Number);
        }
        finally
        {
            lock (gate)
                current = null;
            await watching.CancelAsync();
            await watcher;
        }
        events.Changed(iteration.Id);
    }

    /// <summary>Interrupts the run (training included) when a cancel is recorded, whichever replica took it.</summary>
    private async Task WatchForCancelAsync(string id, CancellationTokenSource cancel, CancellationToken watching)
    {
        try
        {
            while (true)
            {
                await events.WaitForChangeAsync(poll, watching);
                if (store.IsCancelRequested(id))
                {
                    await cancel.CancelAsync();
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || SelfTaughtDatabase.IsUnavailable(e))
        {
            // The run ended, or the database is away: the stages' own checks stop the run then.
        }
    }
}
