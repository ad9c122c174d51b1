using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public class RejectionSamplerTests
{
    private static Task<PairAnnotation> Annotate(ScriptedPipelineModel model, int samples, long seed = 3, bool reject = true, long instructionId = 11) =>
        new RejectionSampler(model).AnnotateAsync(seed, instructionId, "x", "Answer to: x", "Answer to: x'", null, samples, 0.8f, reject, CancellationToken.None);

    [Fact]
    public async Task HalfTheSamplesPutTheChosenResponseInEachPosition()
    {
        var seen = new List<PairToJudge>();
        var model = new ScriptedPipelineModel { JudgeIsWrong = (pair, _) => { lock (seen) seen.Add(pair); return false; } };

        var annotation = await Annotate(model, 8);

        Assert.Equal(4, annotation.Judgments.Count(j => j.ChosenPosition == PairPosition.A));
        Assert.Equal(4, seen.Count(p => p.ResponseA == "Answer to: x"));
        Assert.Equal(4, seen.Count(p => p.ResponseB == "Answer to: x"));
        Assert.All(annotation.Judgments, j => Assert.True(j.Correct));
    }

    [Fact]
    public async Task KeepsOnlyACorrectJudgment()
    {
        // Wrong whenever y_w sits in position A: only the B samples (odd indices) are correct.
        var model = new ScriptedPipelineModel { JudgeIsWrong = (pair, _) => pair.ResponseA == "Answer to: x" };

        var annotation = await Annotate(model, 6);

        Assert.Equal(3, annotation.Judgments.Count(j => j.Correct));
        var kept = annotation.Judgments.Single(j => j.Sample == annotation.KeptSample);
        Assert.True(kept.Correct);
        Assert.Equal(PairPosition.B, kept.ChosenPosition);
    }

    [Fact]
    public async Task NoCorrectJudgmentKeepsNothing()
    {
        var annotation = await Annotate(new ScriptedPipelineModel { JudgeIsWrong = (_, _) => true }, 4);

        Assert.Null(annotation.KeptSample);
        Assert.Equal(4, annotation.Judgments.Count);
    }

    [Fact]
    public async Task SeedsComeFromIterationItemStageAndSampleSoARedoIsIdentical()
    {
        var first = await Annotate(new ScriptedPipelineModel(), 8);
        var redo = await Annotate(new ScriptedPipelineModel(), 8);
        var otherIteration = await Annotate(new ScriptedPipelineModel(), 8, seed: 4);

        Assert.Equal(first.Judgments, redo.Judgments);
        Assert.Equal(first.KeptSample, redo.KeptSample);
        Assert.Equal(8, first.Judgments.Select(j => j.Seed).Distinct().Count());
        Assert.Equal(SeedDerivation.Derive(3, 11, "judge", 5), first.Judgments[5].Seed);
        Assert.NotEqual(first.Judgments.Select(j => j.Seed), otherIteration.Judgments.Select(j => j.Seed));
    }

    [Fact]
    public async Task WithoutRejectionAJudgmentIsKeptWhateverItsVerdict()
    {
        var wrongWhenChosenIsA = new ScriptedPipelineModel { JudgeIsWrong = (pair, _) => pair.ResponseA == "Answer to: x" };
        var kept = new List<JudgmentRecord>();
        for (var item = 1; item <= 40; item++)
        {
            var annotation = await Annotate(wrongWhenChosenIsA, 4, reject: false, instructionId: item);
            kept.Add(annotation.Judgments.Single(j => j.Sample == annotation.KeptSample));
        }

        var allWrong = await Annotate(new ScriptedPipelineModel { JudgeIsWrong = (_, _) => true }, 4, reject: false);

        Assert.NotNull(allWrong.KeptSample);
        // Half the samples are wrong; a random pick keeps both kinds, where rejection keeps correct ones only.
        Assert.InRange(kept.Count(j => !j.Correct), 10, 30);
    }
}
