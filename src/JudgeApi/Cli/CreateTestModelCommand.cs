using System.CommandLine;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Cli;

/// <summary>create-test-model: writes a GGUF model with deterministic random weights (tests, benchmarks, demos).</summary>
public static class CreateTestModelCommand
{
    private static readonly Dictionary<string, GgmlType> TypesByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["f32"] = GgmlType.F32,
        ["f16"] = GgmlType.F16,
        ["q8_0"] = GgmlType.Q8_0,
        ["q4_k"] = GgmlType.Q4_K,
    };

    public static Command Create()
    {
        var outOption = new Option<FileInfo>("--out") { Description = "Path of the .gguf file to write (replaced if it exists).", Required = true };
        var archOption = new Option<string>("--arch") { Description = "Architecture.", DefaultValueFactory = _ => "llama" };
        archOption.AcceptOnlyFromAmong([.. TestModelSpec.Architectures]);
        var presetOption = new Option<string>("--preset") { Description = "Dimensions: tiny (tests) or the shape of a real small model.", DefaultValueFactory = _ => "tiny" };
        presetOption.AcceptOnlyFromAmong([.. TestModelPreset.All.Select(p => p.Name)]);
        var typeOption = new Option<string>("--type") { Description = "Weight type.", DefaultValueFactory = _ => "f32" };
        typeOption.AcceptOnlyFromAmong([.. TypesByName.Keys]);
        var seedOption = new Option<int>("--seed") { Description = "Seed of the random weights; the same seed writes the same bytes.", DefaultValueFactory = _ => 42 };
        var untiedOption = new Option<bool>("--untied-output") { Description = "A separate output.weight instead of sharing token_embd." };
        var ropeFreqsOption = new Option<bool>("--rope-freqs") { Description = "rope_freqs.weight, Llama 3.1's RoPE frequency factors (llama only)." };
        var biasesOption = new Option<bool?>("--biases") { Description = "true: every bias llama.cpp loads for the architecture; false: none; default: the architecture's own (qwen2: q, k, v)." };
        var ropeScalingOption = new Option<TestRopeScaling>("--rope-scaling") { Description = "RoPE scaling keys (factor 4).", DefaultValueFactory = _ => TestRopeScaling.None };
        var headDimOption = new Option<int?>("--head-dim") { Description = "attention.key_length/value_length when the head size is not embd / heads." };
        var shardsOption = new Option<int>("--shards") { Description = "Split the model into this many files (--out must then end in -00001-of-0000N.gguf).", DefaultValueFactory = _ => 1 };

        var command = new Command("create-test-model", "Write a GGUF model with deterministic random weights that llama.cpp loads and runs.")
        {
            outOption, archOption, presetOption, typeOption, seedOption, untiedOption, ropeFreqsOption, biasesOption, ropeScalingOption, headDimOption, shardsOption,
        };
        command.SetAction(parse =>
        {
            var spec = new TestModelSpec(
                parse.GetValue(archOption)!,
                parse.GetValue(presetOption)!,
                TypesByName[parse.GetValue(typeOption)!],
                parse.GetValue(seedOption))
            {
                UntiedOutput = parse.GetValue(untiedOption),
                RopeFreqs = parse.GetValue(ropeFreqsOption),
                Biases = parse.GetValue(biasesOption),
                RopeScaling = parse.GetValue(ropeScalingOption),
                HeadDim = parse.GetValue(headDimOption),
                Shards = parse.GetValue(shardsOption),
            };
            var path = parse.GetValue(outOption)!.FullName;

            try
            {
                TestModelWriter.Write(spec, path);
            }
            catch (Exception e) when (e is LlamaException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"create-test-model: could not write '{path}': {e.Message}");
                return 1;
            }

            using var file = GgufModelFiles.Open(path);
            var preset = TestModelPreset.Find(spec.Preset)!;
            Console.WriteLine($"Wrote {path}");
            Console.WriteLine($"  size        {file.Files.Sum(f => new FileInfo(f.Path).Length):N0} bytes");
            Console.WriteLine($"  model       {spec.Architecture} {spec.Preset} {spec.Type} seed {spec.Seed}");
            Console.WriteLine($"  parameters  {file.Tensors.Sum(t => t.Info.ElementCount):N0} in {file.Tensors.Count} tensors{(spec.Shards > 1 ? $", {spec.Shards} files" : "")}");
            Console.WriteLine($"  dimensions  embd {preset.EmbeddingLength}, layers {preset.LayerCount}, ff {preset.FeedForwardLength}, " +
                              $"heads {preset.HeadCount}/{preset.HeadCountKv} kv, context {preset.ContextLength}");
            return 0;
        });
        return command;
    }
}
