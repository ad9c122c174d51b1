using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Owns the iteration queue while this replica leads (<see cref="IIterationLeadership"/>; one node always does): runs
/// one iteration at a time, oldest first, through its stages (<see cref="IterationStages"/>), and resumes one that a
/// crash, a lost leader or a database outage left running. A failing iteration is marked failed with its error and the
/// runner moves on; losing the lead or the database stops the run where it is, for the next leader to resume.
/// </summary>
public sealed class IterationRunner(IterationStore store, IterationStages stages, IIterationModel model, IterationEvents events,
    IIterationLeadership leadership, SelfTaughtDatabase database, IOptions<ScaleOutOptions> options, ILogger<IterationRunner> logger)
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var term = await leadership.AcquireAsync(stoppingToken);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term);
            try
            {
                await LeadAsync(leading.Token);
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                if (!stoppingToken.IsCancellationRequested)
                    logger.LogWarning("Lost the lead; another replica resumes the running iteration where it is stored.");
            }
            catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
            {
                logger.LogWarning("The iteration queue waits: {Location} cannot be reached ({Error}).", database.Path, e.Message);
                await Task.Delay(poll, stoppingToken);
            }
        }
    }

    private async Task LeadAsync(CancellationToken leading)
    {
        while (true)
        {
            leading.ThrowIfCancellationRequested();
            if (store.NextRunnable() is not { } iteration)
            {
                // Woken by a change of any iteration (one queued on any replica), else it looks again after a while.
                await events.WaitForChangeAsync(poll * 5, leading);
                continue;
            }
            await model.WaitUntilReadyAsync(leading);
            await RunAsync(iteration, leading);
        }
    }

    private async Task RunAsync(IterationRecord iteration, CancellationToken leading)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(leading);
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
            await stages.RunAsync(iteration with { Status = IterationStatus.Running }, cancel.Token);
            store.SetStatus(iteration.Id, IterationStatus.Succeeded);
            logger.LogInformation("Iteration {Number} succeeded", iteration.Number);
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // Shutting down or no longer leading: the iteration stays running and resumes with the next leader.
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
