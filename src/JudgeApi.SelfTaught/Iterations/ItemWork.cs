namespace JudgeApi.SelfTaught;

/// <summary>
/// Works on a stage's items a few at a time. Each item records its own result when it finishes; the first failure
/// (or a cancel) stops the rest, whose unrecorded work is simply redone on resume. Once the service is stopping
/// (<paramref name="stopStarting"/>) no item starts, the ones running finish, and the stage ends unfinished.
/// </summary>
public static class ItemWork
{
    public static async Task ForEachAsync<T>(IReadOnlyList<T> items, int parallelism, Func<T, CancellationToken, Task> process,
        CancellationToken cancellationToken, CancellationToken stopStarting)
    {
        var notStarted = 0;
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                if (stopStarting.IsCancellationRequested)
                    Interlocked.Increment(ref notStarted);
                else
                    await process(item, token);
            });
        if (notStarted > 0)
            throw new OperationCanceledException($"The service is stopping: {notStarted} items were not started; they are done when it starts again.", stopStarting);
    }
}
