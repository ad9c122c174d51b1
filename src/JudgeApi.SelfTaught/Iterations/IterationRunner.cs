using JudgeApi.Judging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Owns the iteration queue: runs one iteration at a time, oldest first, through its stages
/// (<see cref="IterationStages"/>), and on start resumes one a crash or a stop left running. A failing iteration is
/// marked failed with its error and the runner moves on. When the service stops, the running items may finish
/// within the grace period (<see cref="ShutdownGrace"/>) and no new one starts; the iteration stays running and
/// resumes at the next start.
/// </summary>
public sealed class IterationRunner(IterationStore store, IterationStages stages, IIterationModel model, IterationEvents events,
    ShutdownGrace grace, ILogger<IterationRunner> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);
    private readonly Lock gate = new();
    private (string Id, CancellationTokenSource Cancel)? current;

    /// <summary>Call after queueing an iteration.</summary>
    public void Wake() => wake.Release();

    /// <summary>Records the cancel request and interrupts the running item if it is this iteration's.</summary>
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
                if (store.NextRunnable() is not { } iteration)
                {
                    await wake.WaitAsync(stop.Token);
                    continue;
                }
                await model.WaitUntilReadyAsync(stop.Token);
                await RunAsync(iteration, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping while idle or while the model loads.
        }
    }

    private async Task RunAsync(IterationRecord iteration, CancellationToken stoppingToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, grace.Deadline);
        lock (gate)
            current = (iteration.Id, cancel);
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
        catch (Exception) when (stoppingToken.IsCancellationRequested || grace.Stopping.IsCancellationRequested)
        {
            logger.LogWarning("Iteration {Number} stops with the service at stage {Stage}; it resumes there at the next start.", iteration.Number,
                store.Find(iteration.Id)?.Stage ?? iteration.Stage);
            return;
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
        }
        events.Changed(iteration.Id);
    }
}
