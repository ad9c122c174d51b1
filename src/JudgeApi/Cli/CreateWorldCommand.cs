using System.CommandLine;
using System.Text;
using System.Text.Json;
using JudgeApi.Llama.IO;
using JudgeApi.SelfTaught;

namespace JudgeApi.Cli;

/// <summary>
/// create-world: writes the proof world's unlabeled instruction pool (NDJSON for <c>POST /instructions</c>) and its
/// labeled set (RewardBench JSONL for <c>Judge:Evaluation:LabeledSetPath</c> and <c>evaluate --data</c>), each from its own seed; the
/// labeled set from the test half, or with <c>--half dev</c> from the dev half, where the experiment's settings are chosen.
/// Beside them, the pool's answer key (<c>pool-key.jsonl</c>: each instruction's family and right answer), which the
/// service never reads: it lets the experiment check the loop's own pairs and kept judgments against the truth.
/// </summary>
public static class CreateWorldCommand
{
    public static Command Create()
    {
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Directory to write pool.jsonl, pool-key.jsonl and labeled.jsonl into.", Required = true };
        var poolSeed = new Option<int>("--pool-seed") { Description = "Seed of the pool.", DefaultValueFactory = _ => 1 };
        var poolSize = new Option<int>("--pool-size") { Description = "Instructions in the pool.", DefaultValueFactory = _ => 2000 };
        var labeledSeed = new Option<int>("--labeled-seed") { Description = "Seed of the labeled set (use a different one than the pool's).", DefaultValueFactory = _ => 2 };
        var labeledSize = new Option<int>("--labeled-size") { Description = "Pairs in the labeled set.", DefaultValueFactory = _ => 400 };
        var half = new Option<string>("--half")
        {
            Description = "Which reserved half the labeled set comes from: test (the experiment's, never tuned on) or dev (for choosing settings).",
            DefaultValueFactory = _ => "test",
        };
        half.AcceptOnlyFromAmong("test", "dev");
        foreach (var size in new[] { poolSize, labeledSize })
            size.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError($"{result.Option.Name} must be at least 1."); });

        var command = new Command("create-world", "Write the proof world's instruction pool and labeled set (a checkable domain for the self-taught loop).")
        {
            outOption, poolSeed, poolSize, labeledSeed, labeledSize, half,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(outOption)!.FullName;
            Directory.CreateDirectory(dir);
            var pool = ProofWorld.Pool(parse.GetValue(poolSeed), parse.GetValue(poolSize));
            var labeled = parse.GetValue(half) == "dev"
                ? ProofWorld.DevSet(parse.GetValue(labeledSeed), parse.GetValue(labeledSize))
                : ProofWorld.LabeledSet(parse.GetValue(labeledSeed), parse.GetValue(labeledSize));
            ProofWorld.WritePool(Path.Combine(dir, "pool.jsonl"), pool);
            WriteKey(Path.Combine(dir, "pool-key.jsonl"), pool);
            ProofWorld.WriteLabeledSet(Path.Combine(dir, "labeled.jsonl"), labeled);
            Console.WriteLine($"Wrote {pool.Count} pool instructions and {labeled.Count} labeled pairs to {dir}");
            foreach (var family in labeled.GroupBy(p => p.Subset))
                Console.WriteLine($"  {family.Key,-15} {pool.Count(q => q.Family == family.Key),5} pool  {family.Count(),4} labeled");
            return 0;
        });
        return command;
    }

    private static void WriteKey(string path, IEnumerable<WorldQuestion> pool) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            foreach (var q in pool)
                writer.WriteLine(JsonSerializer.Serialize(new { instruction = q.Instruction, family = q.Family, answer = q.Answer }));
        });
}
