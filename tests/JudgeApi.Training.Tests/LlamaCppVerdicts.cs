using JudgeApi.Llama;

namespace JudgeApi.Training.Tests;

/// <summary>How many examples' verdicts llama.cpp reproduces greedily with a model (and an adapter).</summary>
internal static class LlamaCppVerdicts
{
    public static int Correct(string modelPath, IReadOnlyList<TrainingExample> examples, string? adapterPath)
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
}
