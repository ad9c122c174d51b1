using JudgeApi.Judging;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The one ordered list of an iteration's stages, and the walk through it. An iteration resumes at its stored stage,
/// which only a stage's own commit moves on, and the stage then skips what it already recorded; so an iteration run
/// again after a crash continues where it stopped and ends as an uninterrupted run would have.
/// </summary>
public sealed class IterationStages
{
    private readonly IReadOnlyList<IIterationStage> stages;
    private readonly SelfTaughtDatabase database;
    private readonly IterationStore store;
    private readonly IterationEvents events;
    private readonly JudgeMetrics? metrics;

    /// <param name="registered">Every stage from the first up to some stage of <see cref="IterationStage.InOrder"/>, in any order (a host without the judge engine stops at the dataset).</param>
    public IterationStages(IEnumerable<IIterationStage> registered, SelfTaughtDatabase database, IterationStore store, IterationEvents events,
        JudgeMetrics? metrics = null)
    {
        this.metrics = metrics;
        var byName = registered.ToDictionary(s => s.Name, StringComparer.Ordinal);
        stages = [.. IterationStage.InOrder.TakeWhile(byName.ContainsKey).Select(name => byName[name])];
        if (byName.Count != stages.Count || stages.Count == 0)
            throw new InvalidOperationException(
                $"The stages registered ({string.Join(", ", byName.Keys)}) are not the first ones of {string.Join(", ", IterationStage.InOrder)}.");
        this.database = database;
        this.store = store;
        this.events = events;
    }

    /// <summary>The stages whose items any replica works on, by name.</summary>
    public IReadOnlyDictionary<string, IItemStage> ItemStages => stages.OfType<IItemStage>().ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>The stages an iteration passes: all of them, or up to its dataset when it does not train.</summary>
    public IReadOnlyList<IIterationStage> For(IterationParameters parameters) =>
        parameters.Train ? stages : [.. stages.TakeWhile(s => s.Name != IterationStage.Train)];

    /// <summary>Runs the iteration from its stored stage to the end; throws <see cref="IterationCanceledException"/> when canceled.</summary>
    /// <param name="stopStarting">Fires when the service is stopping: stages start no further items (<see cref="IterationContext.StopStarting"/>).</param>
    public async Task RunAsync(IterationRecord iteration, CancellationToken cancellationToken, CancellationToken stopStarting = default)
    {
        var list = For(iteration.Parameters);
        var stage = iteration.Stage;
        if (stage == IterationStage.Done)
            return;
        if (stage == IterationStage.Pending)
        {
            stage = list[0].Name;
            store.SetStage(iteration.Id, stage);
            events.Changed(iteration.Id);
        }
        var start = list.Select(s => s.Name).ToList().IndexOf(stage);
        if (start < 0)
            throw new InvalidOperationException($"Iteration {iteration.Number} is at stage {stage}, which this service does not run.");
        for (var i = start; i < list.Count; i++)
        {
            var next = i + 1 < list.Count ? list[i + 1].Name : IterationStage.Done;
            using (var activity = JudgeTelemetry.Source.StartActivity("iteration." + list[i].Name))
            {
                activity?.SetTag("judgeapi.iteration.id", iteration.Id);
                activity?.SetTag("judgeapi.iteration.number", iteration.Number);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await list[i].RunAsync(new IterationContext(iteration, list[i].Name, next, database, store, events, stopStarting), cancellationToken);
                metrics?.StageCompleted(list[i].Name, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            events.Changed(iteration.Id);
        }
    }
}
