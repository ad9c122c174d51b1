using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public sealed class IterationEventsTests : IDisposable
{
    private readonly PipelineFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void A_slow_watcher_gets_every_stage_once_with_its_latest_progress()
    {
        var id = fixture.Queue().Id;
        using var watcher = fixture.Events.Subscribe(id)!;

        foreach (var stage in new[] { IterationStage.Classify, IterationStage.Select })
        {
            fixture.Store.SetStage(id, stage);
            fixture.Events.Changed(id);
            fixture.Events.Changed(id);
        }

        Assert.Equal([IterationStage.Pending, IterationStage.Classify, IterationStage.Select], watcher.Take().Select(v => v.Stage));
        Assert.Empty(watcher.Take());
    }

    [Fact]
    public void A_watcher_that_left_gets_nothing_and_an_unknown_iteration_has_no_watchers()
    {
        var id = fixture.Queue().Id;
        var watcher = fixture.Events.Subscribe(id)!;
        watcher.Take();
        watcher.Dispose();

        fixture.Store.SetStage(id, IterationStage.Classify);
        fixture.Events.Changed(id);

        Assert.Empty(watcher.Take());
        Assert.Null(fixture.Events.Subscribe("no-such-iteration"));
    }
}
