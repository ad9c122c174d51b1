using System.Runtime.ExceptionServices;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Works on a stage's items a few at a time, each claimed from the store as a loop gets free (so replicas sharing the
/// store split the items between them). Each item records its own result when it finishes; the first failure (or a
/// cancel) stops the rest, whose unrecorded work is simply redone on resume. Once the service is stopping
/// (<c>stopStarting</c>) no item is claimed, the ones running finish, and the stage ends unfinished.
/// </summary>
public static class ItemWork
{
    /// <summary>Runs <paramref name="parallelism"/> loops of claim, process, until a claim comes back empty.</summary>
    public static async Task DrainAsync<T>(Func<T?> claim, Func<T, CancellationToken, Task> process, int parallelism, CancellationToken cancellationToken,
        CancellationToken stopStarting)
        where T : class
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = Enumerable.Range(0, parallelism).Select(_ => Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested && !stopStarting.IsCancellationRequested && claim() is { } item)
                    await process(item, stop.Token);
            }
            catch
            {
                stop.Cancel();
                throw;
            }
        }, CancellationToken.None)).ToArray();
        try
        {
            await Task.WhenAll(loops);
        }
        catch when (FirstCause(loops) is { } cause)
        {
            ExceptionDispatchInfo.Throw(cause);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (stopStarting.IsCancellationRequested)
            throw new OperationCanceledException("The service is stopping: items not yet claimed are done when it starts again.", stopStarting);
    }

    /// <summary>The failure that stopped the others: a real error first, then an operator's cancel, not the cancellations that followed.</summary>
    private static Exception? FirstCause(Task[] loops)
    {
        var errors = loops.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        return errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault(e => e is IterationCanceledException);
    }
}
