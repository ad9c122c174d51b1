using JudgeApi.Cli;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Tests.Cli;

public class CreateTestModelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("judgeapi-cli-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Writes_the_requested_model()
    {
        var path = Path.Combine(_dir, "sub", "qwen3.gguf");

        var exit = await CliCommands.RunAsync(["create-test-model", "--out", path, "--arch", "qwen3", "--type", "q8_0", "--seed", "3"]);

        Assert.Equal(0, exit);
        using var file = GgufFile.Open(path);
        Assert.Equal("qwen3", file.Architecture);
        Assert.Equal(GgmlType.Q8_0, file.FindTensor("blk.0.attn_q.weight")!.Type);
    }

    [Fact]
    public async Task Writes_the_properties_real_models_have()
    {
        var path = Path.Combine(_dir, "real-00001-of-00002.gguf");

        var exit = await CliCommands.RunAsync(["create-test-model", "--out", path, "--untied-output", "--rope-freqs", "--biases", "true",
            "--rope-scaling", "Yarn", "--head-dim", "32", "--shards", "2"]);

        Assert.Equal(0, exit);
        using var model = GgufModelFiles.Open(path);
        Assert.Equal(2, model.Files.Count);
        foreach (var tensor in new[] { "output.weight", "rope_freqs.weight", "blk.0.attn_output.bias", "blk.1.ffn_down.bias" })
            Assert.NotNull(model.FindTensor(tensor));
        Assert.True(model.Metadata.TryGetString("llama.rope.scaling.type", out var scaling) && scaling == "yarn");
        Assert.True(model.Metadata.TryGetUInt32("llama.attention.key_length", out var headDim) && headDim == 32);
        using var loaded = JudgeApi.Llama.LlamaModel.Load(path);
    }

    [Theory]
    [InlineData("--shards", "2")] // the name does not say it is the first of two shards
    [InlineData("--rope-scaling", "ntk")]
    [InlineData("--arch", "gpt2")]
    [InlineData("--preset", "huge")]
    [InlineData("--type", "q5_k")]
    [InlineData("--seed", "many")]
    public async Task Bad_options_fail_without_writing(string option, string value)
    {
        var path = Path.Combine(_dir, "bad.gguf");

        var exit = await CliCommands.RunAsync(["create-test-model", "--out", path, option, value]);

        Assert.NotEqual(0, exit);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Missing_out_fails()
    {
        Assert.NotEqual(0, await CliCommands.RunAsync(["create-test-model"]));
    }
}
