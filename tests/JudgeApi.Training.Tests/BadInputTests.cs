using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

public sealed class BadInputTests
{
    private static string TinyModel => TestModels.PathOf(new TestModelSpec("llama"));

    private static Task<TrainingResult> Train(string datasetPath, string? modelPath = null) =>
        new LoraTrainer(new TrainerOptions { Threads = 1, MaxSteps = 1 })
            .TrainAsync(modelPath ?? TinyModel, datasetPath, Path.Combine(TestModels.NewDirectory(), "out.gguf"));

    private static string Dataset(params string[] lines)
    {
        var path = Path.Combine(TestModels.NewDirectory(), "data.ndjson");
        File.WriteAllLines(path, lines);
        return path;
    }

    private const string Good = """{"messages":[{"role":"user","content":"Which is better?"},{"role":"assistant","content":"Verdict: A"}]}""";

    [Fact]
    public async Task EmptyDatasetIsRefused()
    {
        var e = await Assert.ThrowsAsync<TrainingDataException>(() => Train(Dataset("", "  ")));
        Assert.Contains("holds no examples", e.Message);
    }

    [Fact]
    public async Task MalformedJsonLineIsNamed()
    {
        var e = await Assert.ThrowsAsync<TrainingDataException>(() => Train(Dataset(Good, "{\"messages\": [", Good)));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains("Line 2 is not valid JSON", e.Message);
    }

    [Fact]
    public async Task LineWithoutMessagesArrayIsNamed()
    {
        var e = await Assert.ThrowsAsync<TrainingDataException>(() => Train(Dataset(Good, Good, """{"prompt":"x"}""")));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("\"messages\" array", e.Message);
    }

    [Fact]
    public async Task MessageWithoutRoleIsNamed()
    {
        var e = await Assert.ThrowsAsync<TrainingDataException>(() => Train(Dataset("""{"messages":[{"content":"hi"}]}""")));
        Assert.Equal(1, e.LineNumber);
        Assert.Contains("message 1", e.Message);
    }

    [Fact]
    public async Task ExampleWithoutAssistantTurnIsNamed()
    {
        var e = await Assert.ThrowsAsync<TrainingDataException>(() =>
            Train(Dataset(Good, "", """{"messages":[{"role":"user","content":"Which is better?"}]}""")));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("line 3 has no assistant turn", e.Message);
    }

    [Fact]
    public async Task UnsupportedArchitectureIsRefusedByName()
    {
        var modelPath = Path.Combine(TestModels.NewDirectory(), "falcon.gguf");
        using (var writer = new GgufWriter(1))
        {
            writer.SetString("general.architecture", "falcon");
            writer.AddTensor("token_embd.weight", GgmlType.F32, [8, 4], s => s.Write(new byte[8 * 4 * sizeof(float)]));
            writer.WriteFile(modelPath);
        }
        var e = await Assert.ThrowsAsync<TrainingModelException>(() => Train(Dataset(Good), modelPath));
        Assert.Contains("'falcon' is not supported", e.Message);
        Assert.Contains("llama, qwen2, qwen3", e.Message);
    }

    [Fact]
    public async Task MixtureOfExpertsIsRefusedByName()
    {
        var moe = ModelEdits.CopyWith(TinyModel, w => { w.SetUInt32("llama.expert_count", 8); w.SetUInt32("llama.expert_used_count", 2); });
        var e = await Assert.ThrowsAsync<TrainingModelException>(() => Train(Dataset(Good), moe));
        Assert.Contains("mixture of experts is not supported", e.Message);
    }

    [Fact]
    public async Task LongRopeIsRefusedByName()
    {
        var longRope = ModelEdits.CopyWith(TinyModel, w => w.SetString("llama.rope.scaling.type", "longrope"));
        var e = await Assert.ThrowsAsync<TrainingModelException>(() => Train(Dataset(Good), longRope));
        Assert.Contains("LongRoPE is not supported", e.Message);
    }

    [Fact]
    public async Task ATensorTheGraphDoesNotUseIsRefusedNamingItsFeature()
    {
        var fused = ModelEdits.CopyWith(TinyModel, _ => { }, ("blk.1.attn_qkv.weight", [64, 128]));
        var e = await Assert.ThrowsAsync<TrainingModelException>(() => Train(Dataset(Good), fused));
        Assert.Contains("'blk.1.attn_qkv.weight'", e.Message);
        Assert.Contains("fused q/k/v projection (attn_qkv) is not supported", e.Message);

        var unknown = ModelEdits.CopyWith(TinyModel, _ => { }, ("blk.0.attn_sinks.weight", [4]));
        e = await Assert.ThrowsAsync<TrainingModelException>(() => Train(Dataset(Good), unknown));
        Assert.Contains("'blk.0.attn_sinks.weight', which the trainer's llama graph", e.Message);
    }

    [Fact]
    public async Task LongPromptsAreTruncatedFromTheFrontAndCounted()
    {
        var longPrompt = string.Join(' ', Enumerable.Repeat("word", 300));
        var line = $$"""{"messages":[{"role":"user","content":"{{longPrompt}}"},{"role":"assistant","content":"Verdict: B"}]}""";
        var outPath = Path.Combine(TestModels.NewDirectory(), "out.gguf");
        var result = await new LoraTrainer(new TrainerOptions { Threads = 1, MaxSteps = 1, MaxSequenceLength = 64 })
            .TrainAsync(TinyModel, Dataset(Good, line), outPath);

        Assert.Equal(1, result.TruncatedExamples);
        Assert.True(result.TruncatedTokens > 200, $"only {result.TruncatedTokens} tokens were reported dropped");
    }

    [Fact]
    public async Task CancellationStopsTrainingWithoutWritingAnAdapter()
    {
        var outPath = Path.Combine(TestModels.NewDirectory(), "out.gguf");
        using var cancel = new CancellationTokenSource();
        var trainer = new LoraTrainer(new TrainerOptions { Threads = 1, BatchSize = 1, Epochs = 50 });
        var progress = new CancelOnFirstStep(cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trainer.TrainAsync(TinyModel, Dataset(Good, Good), outPath, progress, cancel.Token));
        Assert.False(File.Exists(outPath));
    }

    private sealed class CancelOnFirstStep(CancellationTokenSource cancel) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => cancel.Cancel();
    }
}
