namespace JudgeApi.SelfTaught;

/// <summary>
/// One stage of an iteration (<see cref="IterationStage.InOrder"/>). It works only on what is not recorded yet, so it
/// can run again after a crash and produce what an uninterrupted run would have, and it ends with
/// <see cref="IterationContext.Complete"/>: its last results and the move to the next stage in one transaction.
/// </summary>
public interface IIterationStage
{
    /// <summary>The stage's name as stored and shown, one of <see cref="IterationStage.InOrder"/>.</summary>
    string Name { get; }

    Task RunAsync(IterationContext context, CancellationToken cancellationToken);
}

/// <summary>Thrown inside a run when an operator canceled the iteration; the run stops at the item boundary.</summary>
public sealed class IterationCanceledException() : OperationCanceledException("The iteration was canceled by an operator.");

/// <summary>What a stage runs on: the iteration, the stage it hands over to, its item boundary and its commit.</summary>
public sealed class IterationContext
{
    private readonly SelfTaughtDatabase database;
    private readonly IterationStore store;
    private readonly IterationEvents events;

    internal IterationContext(IterationRecord iteration, string nextStage, SelfTaughtDatabase database, IterationStore store, IterationEvents events,
        CancellationToken stopStarting)
    {
        Iteration = iteration;
        NextStage = nextStage;
        StopStarting = stopStarting;
        this.database = database;
        this.store = store;
        this.events = events;
    }

    /// <summary>The iteration as the run found it (its <see cref="IterationRecord.Stage"/> is where the run started).</summary>
    public IterationRecord Iteration { get; }

    /// <summary>The stage after this one in the iteration's list, or <see cref="IterationStage.Done"/>.</summary>
    public string NextStage { get; }

    /// <summary>
    /// Fires when the service is stopping: start no further item (<see cref="ItemWork"/>); the running ones may finish.
    /// Work redone whole after a restart (training, evaluation) stops at once.
    /// </summary>
    public CancellationToken StopStarting { get; }

    /// <summary>Tells watchers that the iteration changed (a training step).</summary>
    public void Changed() => events.Changed(Iteration.Id);

    /// <summary>The item boundary: tell watchers, then stop here if an operator asked to cancel.</summary>
    public void ItemDone()
    {
        Changed();
        if (store.IsCancelRequested(Iteration.Id))
            throw new IterationCanceledException();
    }

    /// <summary>Ends the stage: <paramref name="results"/> (what it records last, written through any store) and the move to <see cref="NextStage"/>, in one transaction.</summary>
    internal void Complete(Action<Db>? results = null) => database.Write(db =>
    {
        results?.Invoke(db);
        store.SetStage(db, Iteration.Id, NextStage);
    });
}
