namespace JudgeApi.SelfTaught;

/// <summary>
/// Works on a stage's items a few at a time. Each item records its own result when it finishes; the first failure
/// (or a cancel) stops the rest, whose unrecorded work is simply redone on resume.
/// </summary>
public static class ItemWork
{
    public static Task ForEachAsync<T>(IReadOnlyList<T> items, int parallelism, Func<T, CancellationToken, Task> process, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (item, token) => await process(item, token));
}
