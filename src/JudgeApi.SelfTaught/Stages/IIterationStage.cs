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

/// <summary>Thrown inside the leader's run when the iteration ended elsewhere: a replica's item failed it, or another leader moved its stage on.</summary>
public sealed class IterationEndedElsewhereException(string message) : Exception(message);

/// <summary>What a stage runs on: the iteration, the stage it hands over to, its item boundary and its commit.</summary>
public sealed class IterationContext
{
    private readonly SelfTaughtDatabase database;
    private readonly IterationStore store;
    private readonly IterationEvents events;

    internal IterationContext(IterationRecord iteration, string stage, string nextStage, SelfTaughtDatabase database, IterationStore store, IterationEvents events,
        CancellationToken stopStarting)
    {
        Iteration = iteration;
        Stage = stage;
        NextStage = nextStage;
        StopStarting = stopStarting;
        this.database = database;
        this.store = store;
        this.events = events;
    }

    /// <summary>The iteration as the run found it (its <see cref="IterationRecord.Stage"/> is where the run started).</summary>
    public IterationRecord Iteration { get; }

    /// <summary>The stage running.</summary>
    public string Stage { get; }

    /// <summary>The stage after this one in the iteration's list, or <see cref="IterationStage.Done"/>.</summary>
    public string NextStage { get; }

    /// <summary>
    /// Fires when the service is stopping: start no further item (<see cref="ItemWork"/>); the running ones may finish.
    /// Work redone whole after a restart (training, building the held-out set) stops at once.
    /// </summary>
    public CancellationToken StopStarting { get; }

    /// <summary>Tells watchers that the iteration changed (a training step).</summary>
    public void Changed() => events.Changed(Iteration.Id);

    /// <summary>The item boundary: tell watchers, then stop here if an operator asked to cancel (or a replica's item failed the iteration).</summary>
    public void ItemDone()
    {
        Changed();
        var now = store.Find(Iteration.Id);
        if (now is null || now.CancelRequested)
            throw new IterationCanceledException();
        if (now.Status != IterationStatus.Running)
            throw new IterationEndedElsewhereException($"Iteration {Iteration.Number} is {now.Status}: {now.Error}");
    }

    /// <summary>
    /// Ends the stage: the move to <see cref="NextStage"/> and <paramref name="results"/> (what it records last, written
    /// through any store), in one transaction. The move happens only from <see cref="Stage"/>: a leader that lost its
    /// lock and still finishes a stage the next leader already completed writes nothing.
    /// </summary>
    internal void Complete(Action<Db>? results = null) => database.Write(db =>
    {
        if (!store.MoveStage(db, Iteration.Id, Stage, NextStage))
            throw new IterationEndedElsewhereException($"Iteration {Iteration.Number} left stage {Stage} elsewhere; this run stops.");
        results?.Invoke(db);
    });
}
