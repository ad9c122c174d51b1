using JudgeApi.Llama.Gguf;

namespace JudgeApi.Llama.Tests;

/// <summary>Split models are read as llama.cpp reads them: metadata from the first shard, tensors from every shard.</summary>
public sealed class GgufModelFilesTests
{
    [Fact]
    public void A_split_model_has_the_tensors_of_every_shard_and_llama_cpp_loads_it_too()
    {
        var whole = TestModels.PathOf(new TestModelSpec("llama"));
        var split = TestModels.PathOf(new TestModelSpec("llama") { Shards = 3 });

        using var one = GgufModelFiles.Open(whole);
        using var three = GgufModelFiles.Open(split);

        Assert.Equal(3, three.Files.Count);
        Assert.Equal(one.Tensors.Select(t => t.Name), three.Tensors.Select(t => t.Name));
        Assert.All(three.Tensors, t => Assert.Equal(one.FindTensor(t.Name)!.File.ReadTensorData(one.FindTensor(t.Name)!.Info), t.File.ReadTensorData(t.Info)));
        Assert.True(three.Files[2].Tensors.Count > 0);
        using var model = LlamaModel.Load(split);
        using var reference = LlamaModel.Load(whole);
        Assert.Equal(reference.ParameterCount, model.ParameterCount);
    }

    [Fact]
    public void A_missing_shard_or_a_later_shard_given_first_is_an_error_that_says_so()
    {
        var dir = TestModels.NewDirectory();
        var first = Path.Combine(dir, "m-00001-of-00003.gguf");
        TestModelWriter.Write(new TestModelSpec("llama") { Shards = 3 }, first);

        var later = Assert.Throws<LlamaModelLoadException>(() => GgufModelFiles.Open(Path.Combine(dir, "m-00002-of-00003.gguf")));
        Assert.Contains("is shard 2 of a split model; open the first shard", later.Message);

        File.Delete(Path.Combine(dir, "m-00003-of-00003.gguf"));
        var missing = Assert.Throws<LlamaModelLoadException>(() => GgufModelFiles.Open(first));
        Assert.Contains("Shard 3 of 3", missing.Message);
        Assert.Contains("is missing", missing.Message);
    }
}
