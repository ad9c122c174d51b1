using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public sealed class IterationPipelineTests : IDisposable
{
    private readonly PipelineFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private static async Task<List<string>> Dataset(PipelineFixture owner, string id)
    {
        var lines = new List<string>();
        await foreach (var example in owner.Store.ReadDataset(id, CancellationToken.None))
            lines.Add(DatasetFormat.Line(example));
        return lines;
    }

    [Fact]
    public async Task RunsEveryStageAndTheCountsAddUp()
    {
        fixture.ImportThirty();
        var iteration = fixture.Queue(instructions: 12, judgmentsPerPair: 4);

        await fixture.RunAsync(new ScriptedPipelineModel(), iteration.Id);

        var view = fixture.Store.View(iteration.Id)!;
        Assert.Equal(IterationStage.Done, view.Stage);
        Assert.Equal(0, fixture.Pool.Stats().Unclassified);
        Assert.Equal(new Dictionary<string, int> { ["coding"] = 4, ["math"] = 4, ["writing"] = 4 },
            fixture.Store.PairsInState(iteration.Id, PairState.Kept).Concat(fixture.Store.PairsInState(iteration.Id, PairState.Discarded))
                .GroupBy(p => p.Instruction.StartsWith("Write code") ? "coding" : p.Instruction.StartsWith("What is") ? "math" : "writing")
                .ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal((12, 12, 48), (view.Progress.Selected, view.Progress.Pairs, view.Progress.Judgments));
        Assert.Equal(view.Progress.Pairs, view.Progress.Kept + view.Progress.Discarded);
        Assert.True(Math.Abs(view.Metrics.LabelA - view.Metrics.LabelB) <= 1);
        Assert.Equal(view.Progress.Kept, view.Metrics.LabelA + view.Metrics.LabelB);
        Assert.Equal(view.Progress.Kept, (await Dataset(fixture, iteration.Id)).Count);
        Assert.InRange(view.Metrics.SelfAccuracy!.Value, 0.5, 1.0);
        Assert.NotEqual(1.0, view.Metrics.SelfAccuracy);
    }

    [Fact]
    public async Task DegeneratePairsAreDiscardedWithACountedReasonAndNotJudged()
    {
        fixture.ImportThirty();
        var iteration = fixture.Queue(instructions: 9, judgmentsPerPair: 2);
        var model = new ScriptedPipelineModel { ModifiedInstruction = (x, _) => x.Contains("story") ? x : null };

        await fixture.RunAsync(model, iteration.Id);

        var view = fixture.Store.View(iteration.Id)!;
        Assert.Equal(3, view.Metrics.DiscardReasons[DiscardReason.SameInstruction]);
        Assert.Equal(12, view.Progress.Judgments);
        Assert.Equal(9, view.Progress.Kept + view.Progress.Discarded);
    }

    [Fact]
    public async Task A_copied_instruction_is_asked_for_again_with_the_next_seed_which_the_pair_records()
    {
        var firstSeed = SeedDerivation.Derive(5, 11, "modify", 0);
        var asked = new List<uint>();
        var model = new ScriptedPipelineModel { ModifiedInstruction = (x, seed) => { lock (asked) asked.Add(seed); return seed == firstSeed ? x : null; } };

        var once = await new PairSynthesizer(model, 64, 0.7f, modifyAttempts: 1).SynthesizeAsync(5, 11, "Write a story.", null, CancellationToken.None);
        asked.Clear();
        var retried = await new PairSynthesizer(model, 64, 0.7f, modifyAttempts: 3).SynthesizeAsync(5, 11, "Write a story.", null, CancellationToken.None);

        Assert.Equal(DiscardReason.SameInstruction, once.DiscardReason);
        Assert.Null(retried.DiscardReason);
        Assert.Equal("Variant of: Write a story.", retried.ModifiedInstruction);
        // The second attempt wrote x' and no third was asked for; replaying that seed gives the same x'.
        Assert.Equal([firstSeed, SeedDerivation.Derive(5, 11, "modify", 1)], asked);
        Assert.Equal(asked[1], retried.Provenance.ModifySeed);
        Assert.Equal(once.Provenance.ChosenSeed, retried.Provenance.ChosenSeed);
    }

    [Fact]
    public async Task PairsWithNoCorrectJudgmentAreDropped()
    {
        fixture.ImportThirty();
        var iteration = fixture.Queue(instructions: 6, judgmentsPerPair: 2);
        var model = new ScriptedPipelineModel { JudgeIsWrong = (pair, _) => pair.Instruction.Contains("sum") };

        await fixture.RunAsync(model, iteration.Id);

        var view = fixture.Store.View(iteration.Id)!;
        Assert.Equal(2, view.Metrics.DiscardReasons[DiscardReason.NoCorrectJudgment]);
        Assert.Equal(4.0 / 6, view.Metrics.SelfAccuracy!.Value, 6);
    }

    [Fact]
    public async Task EarlierIterationsInstructionsAreSkippedUnlessAskedFor()
    {
        fixture.ImportThirty();
        var first = fixture.Queue(instructions: 27, judgmentsPerPair: 1);
        await fixture.RunAsync(new ScriptedPipelineModel(), first.Id);
        var second = fixture.Queue(instructions: 27, judgmentsPerPair: 1);
        await fixture.RunAsync(new ScriptedPipelineModel(), second.Id);

        Assert.Equal(3, fixture.Store.View(second.Id)!.Progress.Selected);
        Assert.Equal(30, fixture.Pool.Stats().Used);
    }

    [Fact]
    public async Task ResumeAfterACrashMidAnnotationMatchesAnUninterruptedRun()
    {
        using var uninterrupted = new PipelineFixture();
        uninterrupted.ImportThirty();
        var reference = uninterrupted.Queue(instructions: 12, judgmentsPerPair: 4, seed: 99);
        await uninterrupted.RunAsync(new ScriptedPipelineModel(), reference.Id);

        fixture.ImportThirty();
        var iteration = fixture.Queue(instructions: 12, judgmentsPerPair: 4, seed: 99);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => fixture.RunAsync(new ScriptedPipelineModel { CrashOnJudgeCall = 22 }, iteration.Id));
        var atCrash = fixture.Store.View(iteration.Id)!;
        Assert.Equal(IterationStage.Annotate, atCrash.Stage);
        Assert.InRange(atCrash.Progress.Judgments, 4, 20);
        Assert.Equal(0, atCrash.Progress.Judgments % 4);

        var resumed = new ScriptedPipelineModel();
        await fixture.RunAsync(resumed, iteration.Id);

        Assert.Equal(48 - atCrash.Progress.Judgments, resumed.JudgeCalls);
        Assert.Equal(0, resumed.GenerateCalls);
        var expected = uninterrupted.Store.View(reference.Id)!;
        var actual = fixture.Store.View(iteration.Id)!;
        Assert.Equal(expected.Progress, actual.Progress);
        Assert.Equal((expected.Metrics.SelfAccuracy, expected.Metrics.LabelA, expected.Metrics.LabelB),
            (actual.Metrics.SelfAccuracy, actual.Metrics.LabelA, actual.Metrics.LabelB));
        Assert.Equal(await Dataset(uninterrupted, reference.Id), await Dataset(fixture, iteration.Id));
    }

    [Fact]
    public async Task CancelStopsAtTheNextItemBoundaryAndKeepsWhatWasDone()
    {
        fixture.ImportThirty();
        var iteration = fixture.Queue(instructions: 6, judgmentsPerPair: 2);
        var model = new ScriptedPipelineModel
        {
            JudgeIsWrong = (_, _) =>
            {
                fixture.Store.RequestCancel(iteration.Id);
                return false;
            },
        };
        fixture.Store.SetStatus(iteration.Id, IterationStatus.Running);

        await Assert.ThrowsAsync<IterationCanceledException>(() => fixture.RunAsync(model, iteration.Id));

        var view = fixture.Store.View(iteration.Id)!;
        var annotated = fixture.Store.PairsInState(iteration.Id, PairState.Annotated).Count;
        Assert.Equal(6, view.Progress.Pairs);
        Assert.InRange(annotated, 1, 5);
        Assert.Equal(2 * annotated, view.Progress.Judgments);
        Assert.Equal(6 - annotated, fixture.Store.PairsInState(iteration.Id, PairState.Synthesized).Count);
    }
}
