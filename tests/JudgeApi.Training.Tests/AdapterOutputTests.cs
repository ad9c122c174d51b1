using System.Text.Json;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.IO;

namespace JudgeApi.Training.Tests;

public sealed class AdapterOutputTests
{
    [Fact]
    public async Task SameSeedGivesTheSameAdapterAndTheManifestDescribesIt()
    {
        var modelPath = TestModels.PathOf(new TestModelSpec("qwen2"));
        var examples = JudgeDataset.Create(4, seed: 1);
        var options = new TrainerOptions { Rank = 8, Alpha = 16, Targets = [LoraTarget.AttnQ, LoraTarget.FfnDown], BatchSize = 2, Epochs = 2, MaxSteps = 3, Seed = 11, Threads = 1 };
        var first = await new LoraTrainer(options).TrainAsync(modelPath, examples, Path.Combine(TestModels.NewDirectory(), "a.gguf"));
        var second = await new LoraTrainer(options).TrainAsync(modelPath, examples, Path.Combine(TestModels.NewDirectory(), "b.gguf"));

        Assert.Equal(File.ReadAllBytes(first.OutputPath), File.ReadAllBytes(second.OutputPath));
        Assert.Equal(first.FinalLoss, second.FinalLoss);

        using var adapter = GgufFile.Open(first.OutputPath);
        Assert.True(adapter.TryGetString("general.type", out var type) && type == "adapter");
        Assert.True(adapter.TryGetString("adapter.type", out var adapterType) && adapterType == "lora");
        Assert.True(adapter.TryGetFloat("adapter.lora.alpha", out var alpha) && alpha == 16f);
        Assert.Equal(2 * 2 * 2, adapter.Tensors.Count); // 2 layers x 2 targets x (A, B)
        Assert.Equal([64L, 8L], adapter.FindTensor("blk.0.attn_q.weight.lora_a")!.Shape);

        var manifest = JsonSerializer.Deserialize<AdapterManifest>(File.ReadAllText(first.ManifestPath), JsonSerializerOptions.Web)!;
        Assert.Equal(FileHash.Sha256(modelPath), manifest.BaseModelSha256);
        Assert.Equal(64, manifest.BaseModelSha256.Length);
        Assert.Equal((8, 16f, 3, 11), (manifest.Rank, manifest.Alpha, manifest.Steps, manifest.Seed));
        Assert.Equal([LoraTarget.AttnQ, LoraTarget.FfnDown], manifest.Targets);
        Assert.Equal(first.FinalLoss, manifest.FinalLoss);

        // llama.cpp accepts it for the base it was trained on
        using var model = LlamaModel.Load(modelPath);
        using var loaded = LoraAdapter.Load(model, first.OutputPath);
        Assert.Equal(first.OutputPath, loaded.Path);
    }
}
