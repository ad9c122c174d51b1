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

    [Theory]
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
