using System.Text.Json;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.Cli;

/// <summary>create-world writes its labeled set from the half it is asked for, so choosing settings never reads the test half.</summary>
public sealed class CreateWorldCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_dev_half_is_written_only_when_asked_for_and_shares_no_prompt_with_the_test_half()
    {
        var test = await CreateWorld("test");
        var dev = await CreateWorld("dev", "--half", "dev");

        Assert.Equal(ProofWorld.LabeledSet(seed: 5, count: 40), test);
        Assert.Equal(ProofWorld.DevSet(seed: 5, count: 40), dev);
        Assert.Empty(test.Select(p => p.Prompt).Intersect(dev.Select(p => p.Prompt)));
    }

    [Fact]
    public async Task The_pool_key_holds_each_pool_instruction_with_its_family_and_right_answer_in_pool_order()
    {
        await CreateWorld("keyed", "--pool-seed", "9");

        var pool = File.ReadLines(Path.Combine(Dir, "keyed", "pool.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("instruction").GetString());
        var key = File.ReadLines(Path.Combine(Dir, "keyed", "pool-key.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("instruction").GetString()!, e.GetProperty("family").GetString()!, e.GetProperty("answer").GetString()!)).ToList();

        Assert.Equal(ProofWorld.Pool(seed: 9, count: 16).Select(q => (q.Instruction, q.Family, q.Answer)), key);
        Assert.Equal(pool, key.Select(k => k.Item1));
    }

    [Fact]
    public async Task An_unknown_half_is_refused_before_anything_is_written()
    {
        var (exitCode, errors) = await Run(Path.Combine(Dir, "bad"), "--half", "train");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("train", errors);
        Assert.False(Directory.Exists(Path.Combine(Dir, "bad")));
    }

    private async Task<IReadOnlyList<LabeledPair>> CreateWorld(string name, params string[] options)
    {
        var dir = Path.Combine(Dir, name);
        var (exitCode, errors) = await Run(dir, options);
        Assert.True(exitCode == 0, errors);
        return LabeledSetFile.Read(Path.Combine(dir, "labeled.jsonl"));
    }

    private static Task<(int ExitCode, string Errors)> Run(string outDir, params string[] options) =>
        HostCommand.RunAsync(null, ["create-world", "--out", outDir, "--pool-size", "16", "--labeled-seed", "5", "--labeled-size", "40", .. options]);
}
