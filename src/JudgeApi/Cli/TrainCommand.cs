using System.CommandLine;
using JudgeApi.Llama;
using JudgeApi.Training;

namespace JudgeApi.Cli;

/// <summary>train: fine-tunes a LoRA adapter for a GGUF model on an NDJSON chat dataset (loss on the assistant turns).</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainerOptions();
        var modelOption = new Option<FileInfo>("--model") { Description = "Base model (.gguf): llama, qwen2 or qwen3 architecture.", Required = true };
        var datasetOption = new Option<FileInfo>("--dataset") { Description = "Training data: one {\"messages\":[{\"role\",\"content\"}…]} object per line; the last message is the assistant turn to learn.", Required = true };
        var outOption = new Option<FileInfo>("--out") { Description = "Adapter file to write (.gguf); a JSON manifest is written next to it.", Required = true };
        var rankOption = new Option<int>("--rank") { Description = "LoRA rank.", DefaultValueFactory = _ => defaults.Rank };
        var alphaOption = new Option<float>("--alpha") { Description = "LoRA alpha (the update is scaled by alpha / rank).", DefaultValueFactory = _ => defaults.Alpha };
        var lrOption = new Option<float>("--lr") { Description = "Peak AdamW learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var epochsOption = new Option<int>("--epochs") { Description = "Passes over the dataset.", DefaultValueFactory = _ => defaults.Epochs };
        var batchOption = new Option<int>("--batch") { Description = "Examples per optimizer step (gradient accumulation).", DefaultValueFactory = _ => defaults.BatchSize };
        var maxSeqOption = new Option<int>("--max-seq") { Description = "Longest sequence in tokens; longer prompts lose tokens from the front.", DefaultValueFactory = _ => defaults.MaxSequenceLength };
        var maxStepsOption = new Option<int?>("--max-steps") { Description = "Stop after this many optimizer steps." };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the initialisation and example order.", DefaultValueFactory = _ => defaults.Seed };
        var threadsOption = new Option<int>("--threads") { Description = "CPU threads.", DefaultValueFactory = _ => defaults.Threads };
        var targetsOption = new Option<string>("--targets") { Description = $"Comma-separated weights to adapt ({string.Join(",", LoraTarget.All)}).", DefaultValueFactory = _ => string.Join(",", defaults.AdaptedTargets) };

        var command = new Command("train", "Fine-tune a LoRA adapter on chat examples and write it as a GGUF adapter llama.cpp loads.")
        {
            modelOption, datasetOption, outOption, rankOption, alphaOption, lrOption, epochsOption, batchOption,
            maxSeqOption, maxStepsOption, seedOption, threadsOption, targetsOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new TrainerOptions
            {
                Rank = parse.GetValue(rankOption),
                Alpha = parse.GetValue(alphaOption),
                LearningRate = parse.GetValue(lrOption),
                Epochs = parse.GetValue(epochsOption),
                BatchSize = parse.GetValue(batchOption),
                MaxSequenceLength = parse.GetValue(maxSeqOption),
                MaxSteps = parse.GetValue(maxStepsOption),
                Seed = parse.GetValue(seedOption),
                Threads = parse.GetValue(threadsOption),
                Targets = parse.GetValue(targetsOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            var model = parse.GetValue(modelOption)!.FullName;
            var dataset = parse.GetValue(datasetOption)!.FullName;
            var output = parse.GetValue(outOption)!.FullName;

            TrainingResult result;
            try
            {
                result = await new LoraTrainer(options).TrainAsync(model, dataset, output, new ConsoleProgress(), cancellationToken);
            }
            catch (Exception e) when (e is LlamaException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"train: {e.Message}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("train: cancelled; no adapter was written.");
                return 130;
            }

            Console.WriteLine($"Wrote {result.AdapterPath} (manifest {result.ManifestPath})");
            Console.WriteLine($"  steps       {result.Steps} over {result.Examples} examples, {result.TokensProcessed:N0} tokens in {result.Elapsed:hh\\:mm\\:ss}" +
                              $" ({result.TokensPerSecond:F0} tokens/s in the training loop)");
            Console.WriteLine($"  loss        {result.InitialLoss:F4} -> {result.FinalLoss:F4}");
            Console.WriteLine($"  truncated   {result.TruncatedExamples} examples lost {result.TruncatedTokens:N0} prompt tokens to --max-seq {options.MaxSequenceLength}");
            Console.WriteLine($"  memory      base {Mib(result.BaseWeightBytes)}, LoRA state {Mib(result.LoraStateBytes)}, compute {Mib(result.PeakComputeBytes)}");
            return 0;
        });
        return command;
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";

    /// <summary>One line per optimizer step, written on the training thread.</summary>
    private sealed class ConsoleProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p) =>
            Console.WriteLine($"step {p.Step}/{p.TotalSteps}  epoch {p.Epoch}  loss {p.Loss:F4}  lr {p.LearningRate:E2}  {p.TokensPerSecond:F0} tok/s  ETA {p.Remaining:hh\\:mm\\:ss}");
    }
}
