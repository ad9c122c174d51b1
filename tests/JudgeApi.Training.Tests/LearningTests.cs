using JudgeApi.Llama.Gguf;

namespace JudgeApi.Training.Tests;

public sealed class LearningTests
{
    [Fact]
    public async Task LearnsRandomVerdictsAndLlamaCppReproducesThemWithTheAdapter()
    {
        var modelPath = TestModels.PathOf(new TestModelSpec("llama"));
        var examples = JudgeDataset.Create(16, seed: 3);
        var adapterPath = Path.Combine(TestModels.NewDirectory(), "judge.gguf");
        var options = new TrainerOptions { LearningRate = 3e-3f, BatchSize = 2, Epochs = 40, Seed = 7, Threads = 1, WarmupFraction = 0.05f };
        var losses = new List<float>();

        var result = await new LoraTrainer(options).TrainAsync(modelPath, examples, adapterPath, new SyncProgress(p => losses.Add(p.Loss)));

        Assert.Equal(320, result.Steps);
        Assert.Equal(320, losses.Count);
        Assert.True(result.FinalLoss < 0.2f * result.InitialLoss, $"loss {result.InitialLoss} -> {result.FinalLoss}");

        var before = LlamaCppVerdicts.Correct(modelPath, examples, adapterPath: null);
        var after = LlamaCppVerdicts.Correct(modelPath, examples, adapterPath);
        Assert.True(after >= 15, $"llama.cpp with the adapter reproduced {after}/16 verdicts (without it: {before}/16)");
        Assert.True(before < 15, $"the base model already reproduced {before}/16 verdicts, so the test proves nothing");
    }

    /// <summary>Progress reported on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
