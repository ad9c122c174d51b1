using JudgeApi.Llama.Gguf;

namespace JudgeApi.Training.Tests;

/// <summary>Recomputing each layer in the backward pass gives the gradients of the plain backward pass, with less compute memory.</summary>
public sealed unsafe class ActivationCheckpointingTests
{
    private static readonly TokenizedExample Example = new([.. Enumerable.Range(0, 96).Select(i => 1 + i * 37 % 4999)], PromptLength: 64, TruncatedPromptTokens: 0);

    [Theory]
    [InlineData("llama", false)]
    [InlineData("qwen2", false)]
    [InlineData("qwen3", false)]
    [InlineData("llama", true)]
    [InlineData("qwen3", true)]
    public void CheckpointedGradientsEqualThePlainOnes(string architecture, bool full)
    {
        var path = TestModels.PathOf(new TestModelSpec(architecture) { Biases = architecture == "llama" ? true : null });
        var (plainLoss, plain, plainBytes) = Gradients(path, full, checkpointing: false);
        var (checkpointedLoss, checkpointed, checkpointedBytes) = Gradients(path, full, checkpointing: true);

        Assert.Equal(plainLoss, checkpointedLoss, 1e-5f);
        Assert.Equal(plain.Keys.Order(), checkpointed.Keys.Order());
        foreach (var (name, reference) in plain)
        {
            var relative = Sessions.RelativeDistance(name, checkpointed[name], reference);
            Assert.True(relative < 1e-4, $"{name}: |g_checkpointed - g_plain| / |g_plain| = {relative}");
        }
        Assert.True(checkpointedBytes < plainBytes, $"checkpointing needed {checkpointedBytes} compute bytes, the plain pass {plainBytes}");
    }

    private static (float Loss, Dictionary<string, float[]> Gradients, long ComputeBytes) Gradients(string path, bool full, bool checkpointing)
    {
        using var session = new TrainingSession(path, full ? new TrainingTarget.FullParameters() : new TrainingTarget.Lora(LoraTarget.All, 4, 8, 1), threads: 1, checkpointing);
        if (!full)
            Sessions.RandomizeAdapter(session, seed: 5);
        session.Parameters.ClearGradients();
        var loss = session.AccumulateGradients(Example, weight: 0.5f);
        return (loss, session.Parameters.Entries.ToDictionary(e => TensorData.NameOf(e.Parameter), e => TensorData.Read(e.Gradient)), session.ComputeBufferBytes);
    }
}
