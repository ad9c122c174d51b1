using System.CommandLine;
using JudgeApi.Bench;
using JudgeApi.Llama;

// Measures our binding's pp/tg throughput (EngineThroughput) and compares it with llama-bench JSON reports;
// the subcommands serve bench/judge.sh and bench/pipeline.sh (the service's judge prompts, token counts).
var modelOption = new Option<FileInfo>("--model") { Description = "GGUF model to benchmark", Required = true };
var threadsOption = new Option<int>("--threads") { Description = "CPU threads for prompt and generation", DefaultValueFactory = _ => 2 };
var promptOption = new Option<int>("--prompt") { Description = "prompt tokens of the pp test", DefaultValueFactory = _ => 512 };
var genOption = new Option<int>("--gen") { Description = "generated tokens of the tg test", DefaultValueFactory = _ => 128 };
var pollOption = new Option<int>("--poll") { Description = "polling level of the decode threads (0-100, as llama-bench --poll)", DefaultValueFactory = _ => 50 };
var repsOption = new Option<int>("--reps") { Description = "timed repetitions per test", DefaultValueFactory = _ => 3 };
var referenceOption = new Option<string[]>("--reference")
{
    Description = "label=path of a llama-bench -o json report to show next to ours (repeatable; ratios are against the first)",
    DefaultValueFactory = _ => [],
};

var root = new RootCommand("Prompt-processing and generation throughput of JudgeApi.Llama, side by side with llama-bench")
{
    modelOption, threadsOption, promptOption, genOption, repsOption, pollOption, referenceOption,
    JudgePromptsCommand.Create(), CountTokensCommand.Create(),
};
root.SetAction(parse =>
{
    var reps = parse.GetValue(repsOption);
    if (reps < 1 || parse.GetValue(promptOption) < 1 || parse.GetValue(genOption) < 1 || parse.GetValue(threadsOption) < 1)
    {
        Console.Error.WriteLine("--reps, --prompt, --gen and --threads must be at least 1");
        return 2;
    }

    var references = parse.GetValue(referenceOption)!.Select(LlamaBenchReport.Parse).ToList();
    using var model = LlamaModel.Load(parse.GetValue(modelOption)!.FullName);
    var throughput = new EngineThroughput(model, parse.GetValue(threadsOption), parse.GetValue(pollOption));
    var ours = new[]
    {
        throughput.PromptProcessing(parse.GetValue(promptOption), reps),
        throughput.Generation(parse.GetValue(genOption), reps),
    };

    Console.WriteLine($"model: {model.Description}, {model.ParameterCount / 1e6:F1}M params, {model.SizeBytes / 1048576.0:F1} MiB; threads {parse.GetValue(threadsOption)}, poll {parse.GetValue(pollOption)}, {reps} reps");
    ComparisonTable.Print(Console.Out, ours, references);
    var addNs = throughput.BatchAddNanosecondsPerToken(parse.GetValue(promptOption), rounds: 2000);
    Console.WriteLine($"binding overhead: LlamaBatch.Add {addNs:F1} ns/token, {addNs * ours[0].AvgTokensPerSecond / 1e7:F4}% of the decode time of a {ours[0].Test} token");
    Console.WriteLine(ComparisonTable.RatioLine(ours, references));
    return 0;
});
return root.Parse(args).Invoke();
