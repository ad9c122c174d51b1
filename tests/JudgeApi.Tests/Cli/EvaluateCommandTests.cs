using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.Cli;

/// <summary>evaluate reads the labeled-set formats published preference sets come in, and fails in one line.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("judgeapi-cli-evaluate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_json_array_and_jsonl_of_the_same_pairs_read_alike()
    {
        var array = Write("pairs.json", """
            [ {"prompt": "2+2?", "chosen": "4", "rejected": "5", "subset": "math"},
              {"prompt": "Capital of France?", "chosen": "Paris", "rejected": "Lyon"} ]
            """);
        var lines = Write("pairs.jsonl", """
            {"prompt": "2+2?", "chosen": "4", "rejected": "5", "subset": "math"}
            {"prompt": "Capital of France?", "chosen": "Paris", "rejected": "Lyon"}
            """);

        var fromArray = LabeledSetFile.Read(array);
        Assert.Equal(2, fromArray.Count);
        Assert.Equal(LabeledSetFile.Read(lines), fromArray);
        Assert.Equal("math", fromArray[0].Subset);
    }

    [Fact]
    public void A_bad_item_of_an_array_is_named_by_its_index()
    {
        var path = Write("bad.json", """[ {"prompt": "a", "chosen": "b", "rejected": "c"}, {"prompt": "a", "chosen": 3, "rejected": "c"} ]""");
        var error = Assert.Throws<LabeledSetException>(() => LabeledSetFile.Read(path));
        Assert.Contains("item 1", error.Message);
        Assert.Contains("\"chosen\" must be a string", error.Message);
    }

    [Fact]
    public async Task A_missing_model_is_one_line_on_stderr_and_exit_code_1()
    {
        var data = Write("pairs.jsonl", """{"prompt": "2+2?", "chosen": "4", "rejected": "5"}""");
        var (exitCode, errors) = await HostCommand.RunAsync(_dir, "evaluate", "--model", "no-such-model.gguf", "--data", data);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("evaluate: ", line);
        Assert.Contains(Path.Combine(_dir, "no-such-model.gguf"), line); // relative to where the command ran
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
