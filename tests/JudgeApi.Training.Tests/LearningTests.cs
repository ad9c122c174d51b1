using JudgeApi.Llama;
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

        var before = CorrectVerdicts(modelPath, examples, adapterPath: null);
        var after = CorrectVerdicts(modelPath, examples, adapterPath);
        Assert.True(after >= 15, $"llama.cpp with the adapter reproduced {after}/16 verdicts (without it: {before}/16)");
        Assert.True(before < 15, $"the base model already reproduced {before}/16 verdicts, so the test proves nothing");
    }

    private static int CorrectVerdicts(string modelPath, IReadOnlyList<TrainingExample> examples, string? adapterPath)
    {
        using var model = LlamaModel.Load(modelPath);
        using var context = new LlamaContext(model, new ContextOptions { ContextSize = 512, BatchSize = 512, MicroBatchSize = 512, Threads = 1 });
        using var adapter = adapterPath is null ? null : LoraAdapter.Load(model, adapterPath);
        if (adapter is not null)
            context.SetLoraAdapters([(adapter, 1f)]);
        using var sampler = new LlamaSampler(model, new SamplingOptions { Temperature = 0 });

        var correct = 0;
        foreach (var example in examples)
        {
            var prompt = model.ApplyChatTemplate(example.Messages.Take(example.Messages.Count - 1).ToList(), addAssistantPrefix: true);
            context.ClearMemory();
            sampler.Reset();
            var generation = context.Generate(model.Tokenize(prompt, addSpecial: true, parseSpecial: true), sampler, maxTokens: 8);
            if (JudgeDataset.VerdictOf(generation.Text) == JudgeDataset.VerdictOf(example.Messages[^1].Content))
                correct++;
        }
        return correct;
    }

    /// <summary>Progress reported on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
