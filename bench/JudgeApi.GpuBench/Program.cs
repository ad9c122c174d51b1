using System.CommandLine;
using System.Diagnostics;
using JudgeApi.Bench;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;
using JudgeApi.Training;

// bench/gpu.sh's steps on a GPU machine: generate an 8B-shaped model, serve it (prompt processing and generation
// through our binding) and train a LoRA adapter on it with our trainer; each step prints one summary line.
var nativesOption = new Option<DirectoryInfo>("--natives") { Description = "Directory of the llama.cpp libraries (built from the bundled source)", Required = true };
var backendOption = new Option<LlamaBackend>("--backend") { Description = "Cuda, or Cpu for a dry run", DefaultValueFactory = _ => LlamaBackend.Cuda };
var modelOption = new Option<FileInfo>("--model") { Description = "GGUF model", Required = true };

var presetOption = new Option<string>("--preset") { DefaultValueFactory = _ => "llama3-8b" };
var typeOption = new Option<string>("--type") { DefaultValueFactory = _ => "f16" };
var gen = new Command("gen", "Write a generated model (deterministic random weights)") { nativesOption, backendOption, modelOption, presetOption, typeOption };
gen.SetAction(parse =>
{
    LlamaRuntime.Initialize(parse.GetValue(backendOption), parse.GetValue(nativesOption)!.FullName);
    var type = Enum.Parse<GgmlType>(parse.GetValue(typeOption)!, ignoreCase: true);
    var clock = Stopwatch.StartNew();
    TestModelWriter.Write(new TestModelSpec("llama", parse.GetValue(presetOption)!, type), parse.GetValue(modelOption)!.FullName);
    Console.WriteLine($"gen preset={parse.GetValue(presetOption)} type={type} bytes={parse.GetValue(modelOption)!.Length} seconds={clock.Elapsed.TotalSeconds:F0}");
    return 0;
});

var promptOption = new Option<int>("--prompt") { DefaultValueFactory = _ => 512 };
var genTokensOption = new Option<int>("--gen") { DefaultValueFactory = _ => 128 };
var threadsOption = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
var serve = new Command("serve", "Prompt processing and generation tokens/s with every layer on the device") { nativesOption, backendOption, modelOption, promptOption, genTokensOption, threadsOption };
serve.SetAction(parse =>
{
    LlamaRuntime.Initialize(parse.GetValue(backendOption), parse.GetValue(nativesOption)!.FullName);
    var gpu = parse.GetValue(backendOption) != LlamaBackend.Cpu;
    using var model = LlamaModel.Load(parse.GetValue(modelOption)!.FullName, new ModelOptions { GpuLayers = gpu ? -1 : 0 });
    var throughput = new EngineThroughput(model, parse.GetValue(threadsOption), poll: 50);
    var pp = throughput.PromptProcessing(parse.GetValue(promptOption), repetitions: 3);
    var tg = throughput.Generation(parse.GetValue(genTokensOption), repetitions: 3);
    Console.WriteLine($"serve model={model.Description} pp{pp.Tokens}_tps={pp.AvgTokensPerSecond:F1} tg{tg.Tokens}_tps={tg.AvgTokensPerSecond:F1}");
    return 0;
});

var stepsOption = new Option<int>("--steps") { DefaultValueFactory = _ => 4 };
var tokensOption = new Option<int>("--tokens") { Description = "about how long each training example is", DefaultValueFactory = _ => 512 };
var checkpointingOption = new Option<bool>("--activation-checkpointing");
var train = new Command("train", "LoRA training tokens/s on the device (rank 16, every target)") { nativesOption, backendOption, modelOption, stepsOption, tokensOption, checkpointingOption, threadsOption };
train.SetAction(async (parse, cancellationToken) =>
{
    LlamaRuntime.Initialize(parse.GetValue(backendOption), parse.GetValue(nativesOption)!.FullName);
    var steps = parse.GetValue(stepsOption);
    var options = new TrainerOptions
    {
        BatchSize = 1, MaxSteps = steps, MaxSequenceLength = parse.GetValue(tokensOption) + 64,
        ActivationCheckpointing = parse.GetValue(checkpointingOption), Threads = parse.GetValue(threadsOption),
    };
    var examples = Enumerable.Range(0, steps).Select(i => JudgeLikeExample(i, parse.GetValue(tokensOption))).ToList();
    var output = Path.Combine(Path.GetTempPath(), $"gpu-bench-adapter-{Environment.ProcessId}.gguf");
    try
    {
        var result = await new LoraTrainer(options).TrainAsync(parse.GetValue(modelOption)!.FullName, examples, output, cancellationToken: cancellationToken);
        Console.WriteLine($"train steps={result.Steps} tokens={result.TokensProcessed} tps={result.TokensPerSecond:F1} loss={result.InitialLoss:F3}->{result.FinalLoss:F3} " +
                          $"checkpointing={options.ActivationCheckpointing} weights_mib={(result.CopiedWeightBytes + result.MappedWeightBytes) >> 20} compute_mib={result.PeakComputeBytes >> 20}");
    }
    finally
    {
        File.Delete(output);
        File.Delete(output + ".json");
    }
    return 0;
});

return await new RootCommand("bench/gpu.sh's model generation, serving and training steps") { gen, serve, train }.Parse(args).InvokeAsync();

// a judgment-shaped example: a long prompt and a reasoning answer of about a fifth of it
static TrainingExample JudgeLikeExample(int index, int tokens)
{
    var random = new Random(index);
    string[] words = ["the", "answer", "explains", "each", "step", "and", "checks", "result", "against", "question", "response", "better"];
    string Text(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));
    return new TrainingExample(
    [
        new ChatMessage("user", Text(tokens * 4 / 5)),
        new ChatMessage("assistant", Text(tokens / 5) + "\n\nFinal verdict: [[A]]"),
    ]);
}
