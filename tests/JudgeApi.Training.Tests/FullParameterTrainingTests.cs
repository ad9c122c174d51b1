using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>Training every weight: what it writes is a model llama.cpp loads and runs as our graph does, and it learns.</summary>
public sealed class FullParameterTrainingTests
{
    private static readonly int[] Tokens = [1, 17, 305, 42, 7, 993, 12, 4, 88, 2031, 5, 9, 640, 33];

    /// <summary>
    /// F32: our graph and llama_decode on the same weights (measured ~1e-5). F16 and Q8_0: both sides quantize the
    /// activations of the F16/Q8_0 matmuls the same way, so only float summation order is left; measured below 1e-2.
    /// Against the F32 result, the written F16/Q8_0 model differs by its rounding, which must stay small.
    /// </summary>
    [Theory]
    [InlineData(GgmlType.F32, 1e-3f, 1e-3f)]
    [InlineData(GgmlType.F16, 2e-2f, 0.1f)]
    [InlineData(GgmlType.Q8_0, 2e-2f, 0.5f)]
    public async Task TheWrittenModelLoadsInLlamaCppAndItsLogitsMatchOurForwardPass(GgmlType type, float parityBound, float roundingBound)
    {
        var basePath = TestModels.PathOf(new TestModelSpec("qwen2"));
        var dir = TestModels.NewDirectory();
        var options = new TrainerOptions { LearningRate = 1e-2f, BatchSize = 2, MaxSteps = 4, Seed = 3, Threads = 1, WarmupFraction = 0 };
        var trained = await new FullParameterTrainer(options, type).TrainAsync(basePath, JudgeDataset.Create(8, seed: 2), Path.Combine(dir, $"trained-{type}.gguf"));
        var f32 = type == GgmlType.F32 ? trained.OutputPath
            : (await new FullParameterTrainer(options).TrainAsync(basePath, JudgeDataset.Create(8, seed: 2), Path.Combine(dir, "trained-f32.gguf"))).OutputPath;

        using (var file = GgufFile.Open(trained.OutputPath))
            Assert.Equal(type, file.FindTensor("blk.0.attn_q.weight")!.Type);
        var theirs = LlamaCppReference.Logits(trained.OutputPath, Tokens);
        var ours = OurLogits(trained.OutputPath);
        var parity = MaxAbsDifference(ours, theirs);
        Assert.True(parity < parityBound, $"{type}: max |ours - llama.cpp| = {parity} (bound {parityBound})");

        var rounding = MaxAbsDifference(theirs, OurLogits(f32));
        Assert.True(rounding <= roundingBound, $"{type}: the written model is {rounding} away from the F32 one it was written from");
        var changed = MaxAbsDifference(OurLogits(f32), OurLogits(basePath));
        Assert.True(changed > 10 * parityBound, $"training changed the logits by only {changed}, so the comparison proves nothing");
    }

    [Fact]
    public async Task LearnsRandomVerdictsAndLlamaCppReproducesThemWithTheTrainedModel()
    {
        var basePath = TestModels.PathOf(new TestModelSpec("llama"));
        var examples = JudgeDataset.Create(16, seed: 3);
        var options = new TrainerOptions { LearningRate = 3e-3f, BatchSize = 4, Epochs = 20, Seed = 7, Threads = 1, WarmupFraction = 0.05f };
        var result = await new FullParameterTrainer(options).TrainAsync(basePath, examples, Path.Combine(TestModels.NewDirectory(), "judge.gguf"));

        Assert.Equal(80, result.Steps);
        Assert.True(result.FinalLoss < 0.2f * result.InitialLoss, $"loss {result.InitialLoss} -> {result.FinalLoss}");
        var before = LlamaCppVerdicts.Correct(basePath, examples, adapterPath: null);
        var after = LlamaCppVerdicts.Correct(result.OutputPath, examples, adapterPath: null);
        Assert.True(after >= 15, $"llama.cpp with the trained model reproduced {after}/16 verdicts (the base model: {before}/16)");
        Assert.True(before < 15, $"the base model already reproduced {before}/16 verdicts, so the test proves nothing");
    }

    [Fact]
    public async Task AQuantizedModelIsRefusedWithWhatToDoInstead()
    {
        var q8 = TestModels.PathOf(new TestModelSpec("llama", Type: GgmlType.Q8_0));
        var e = await Assert.ThrowsAsync<TrainingModelException>(() =>
            new FullParameterTrainer(new TrainerOptions { Threads = 1, MaxSteps = 1 }).TrainAsync(q8, JudgeDataset.Create(1, seed: 1), Path.Combine(TestModels.NewDirectory(), "out.gguf")));
        Assert.Contains("needs F32, F16 or BF16 weights", e.Message);
        Assert.Contains("is Q8_0", e.Message);
    }

    /// <summary>Our forward pass over a model file (a frozen-weight session; its LoRA B factors start at zero).</summary>
    private static float[][] OurLogits(string modelPath)
    {
        using var session = Sessions.Lora(modelPath);
        return session.Logits(Tokens, Enumerable.Range(0, Tokens.Length).ToArray());
    }

    private static float MaxAbsDifference(float[][] a, float[][] b)
    {
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].Length, b[i].Length);
            for (var v = 0; v < a[i].Length; v++)
                max = Math.Max(max, Math.Abs(a[i][v] - b[i][v]));
        }
        return max;
    }
}
