using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using JudgeApi.Llama;
using JudgeApi.Training;

namespace JudgeApi.Cli;

/// <summary>
/// train: fine-tunes a LoRA adapter for a GGUF model on an NDJSON chat dataset (loss on the assistant turns).
/// The trainer's flags are <see cref="TrainerOptions"/>' properties in kebab case (LearningRate → --learning-rate),
/// turned into configuration keys named as the properties and bound with the binder the service uses for
/// Judge:Training, so `train --rank 8` and <c>Judge:Training:Rank=8</c> set the same option the same way.
/// </summary>
public static class TrainCommand
{
    /// <summary>What each trainer option means on the command line; every settable property has an entry.</summary>
    private static readonly Dictionary<string, string> Descriptions = new()
    {
        [nameof(TrainerOptions.Rank)] = "LoRA rank.",
        [nameof(TrainerOptions.Alpha)] = "LoRA alpha (the update is scaled by alpha / rank).",
        [nameof(TrainerOptions.Targets)] = $"Comma-separated weights to adapt ({string.Join(",", LoraTarget.All)}); default: all of them.",
        [nameof(TrainerOptions.LearningRate)] = "Peak AdamW learning rate, reached after the warm-up.",
        [nameof(TrainerOptions.WarmupFraction)] = "Fraction of the optimizer steps spent warming the learning rate up from 0.",
        [nameof(TrainerOptions.FinalLearningRateFraction)] = "Fraction of the peak learning rate the cosine decay ends at.",
        [nameof(TrainerOptions.WeightDecay)] = "AdamW decoupled weight decay.",
        [nameof(TrainerOptions.Epochs)] = "Passes over the dataset.",
        [nameof(TrainerOptions.BatchSize)] = "Examples per optimizer step (gradient accumulation).",
        [nameof(TrainerOptions.MaxSequenceLength)] = "Longest sequence in tokens; longer prompts lose tokens from the front.",
        [nameof(TrainerOptions.MaxSteps)] = "Stop after this many optimizer steps; default: all epochs.",
        [nameof(TrainerOptions.Seed)] = "Seed of the initialisation and example order.",
        [nameof(TrainerOptions.Threads)] = "CPU threads; 0 uses every core.",
    };

    /// <summary>The flag of a trainer option: its property name in kebab case.</summary>
    public static string FlagOf(string option) => "--" + JsonNamingPolicy.KebabCaseLower.ConvertName(option);

    public static Command Create()
    {
        var modelOption = new Option<FileInfo>("--model") { Description = "Base model (.gguf): llama, qwen2 or qwen3 architecture.", Required = true };
        var datasetOption = new Option<FileInfo>("--dataset") { Description = "Training data: one {\"messages\":[{\"role\",\"content\"}…]} object per line; the last message is the assistant turn to learn.", Required = true };
        var outOption = new Option<FileInfo>("--out") { Description = "Adapter file to write (.gguf); a JSON manifest is written next to it.", Required = true };
        var templateOption = new Option<string>("--chat-template")
        {
            Description = "A llama.cpp built-in chat template (chatml, llama3, …) to render the examples with instead of the model's own; use the one the service serves with (Judge:ChatTemplate).",
        };
        var command = new Command("train", "Fine-tune a LoRA adapter on chat examples and write it as a GGUF adapter llama.cpp loads.")
        {
            modelOption, datasetOption, outOption, templateOption,
        };
        foreach (var option in TrainerFlags())
            command.Options.Add(option);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var (options, problems) = BindTrainerOptions(parse);
            if (problems.Count > 0)
            {
                Console.Error.WriteLine($"train: {string.Join("; ", problems)}.");
                return 2;
            }
            var model = parse.GetValue(modelOption)!.FullName;
            var dataset = parse.GetValue(datasetOption)!.FullName;
            var output = parse.GetValue(outOption)!.FullName;

            TrainingResult result;
            try
            {
                result = await new LoraTrainer(options, parse.GetValue(templateOption)).TrainAsync(model, dataset, output, new ConsoleProgress(), cancellationToken);
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
            Console.WriteLine($"  truncated   {result.TruncatedExamples} examples lost {result.TruncatedTokens:N0} prompt tokens to " +
                              $"{FlagOf(nameof(TrainerOptions.MaxSequenceLength))} {options.MaxSequenceLength}");
            Console.WriteLine($"  memory      base {Mib(result.BaseWeightBytes)}, LoRA state {Mib(result.LoraStateBytes)}, compute {Mib(result.PeakComputeBytes)}");
            return 0;
        });
        return command;
    }

    /// <summary>The trainer's options: the settable properties of <see cref="TrainerOptions"/>.</summary>
    private static IEnumerable<PropertyInfo> Settable =>
        typeof(TrainerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

    /// <summary>One string flag per trainer option, showing the trainer's default.</summary>
    private static List<Option<string>> TrainerFlags()
    {
        var defaults = new TrainerOptions();
        var flags = new List<Option<string>>();
        foreach (var property in Settable)
        {
            if (!Descriptions.TryGetValue(property.Name, out var description))
                throw new InvalidOperationException($"TrainerOptions.{property.Name} has no command-line description in {nameof(TrainCommand)}.");
            var option = new Option<string>(FlagOf(property.Name)) { Description = description, HelpName = Kind(property.PropertyType).HelpName };
            if (!IsList(property.PropertyType) && Convert.ToString(property.GetValue(defaults), CultureInfo.InvariantCulture) is { Length: > 0 } shown)
                option.DefaultValueFactory = _ => shown;
            flags.Add(option);
        }
        return flags;
    }

    /// <summary>
    /// The given flags as configuration (Targets as Targets:0, Targets:1, …) bound onto the trainer's defaults, and
    /// every problem with them: values the binder cannot convert, then <see cref="TrainerOptions.Problems"/>, each naming its flag.
    /// </summary>
    internal static (TrainerOptions Options, List<string> Problems) BindTrainerOptions(ParseResult parse)
    {
        var flags = Settable.Select(p => (Property: p, Option: parse.CommandResult.Command.Options.OfType<Option<string>>().Single(o => o.Name == FlagOf(p.Name)))).ToList();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (property, option) in flags)
        {
            if (parse.GetResult(option) is not { Implicit: false } || parse.GetValue(option) is not { } value)
                continue;
            if (IsList(property.PropertyType))
            {
                var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var i = 0; i < items.Length; i++)
                    values[$"{property.Name}:{i}"] = items[i];
            }
            else
                values[property.Name] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var problems = new List<string>();
        foreach (var (property, option) in flags.Where(f => !IsList(f.Property.PropertyType) && values.ContainsKey(f.Property.Name)))
        {
            try
            {
                configuration.GetValue(property.PropertyType, property.Name);
            }
            catch (InvalidOperationException)
            {
                problems.Add($"{option.Name} must be {Kind(property.PropertyType).Noun}, got '{values[property.Name]}'");
            }
        }
        if (problems.Count > 0)
            return (new TrainerOptions(), problems);

        var options = new TrainerOptions();
        configuration.Bind(options);
        problems.AddRange(options.Problems().Select(p => $"{FlagOf(p.Option)} {p.Problem}"));
        return (options, problems);
    }

    private static bool IsList(Type type) => type == typeof(IReadOnlyList<string>);

    private static (string HelpName, string Noun) Kind(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) => ("int", "a whole number"),
        var t when t == typeof(float) => ("number", "a number"),
        var t when IsList(t) => ("a,b,…", "a comma-separated list"),
        var t => throw new InvalidOperationException($"TrainerOptions has a {t.Name} option; teach {nameof(TrainCommand)} how to parse it."),
    };

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";

    /// <summary>One line per optimizer step, written on the training thread.</summary>
    private sealed class ConsoleProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p) =>
            Console.WriteLine($"step {p.Step}/{p.TotalSteps}  epoch {p.Epoch}  loss {p.Loss:F4}  lr {p.LearningRate:E2}  {p.TokensPerSecond:F0} tok/s  ETA {p.Remaining:hh\\:mm\\:ss}");
    }
}
