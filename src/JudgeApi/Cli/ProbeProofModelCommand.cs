using System.CommandLine;
using JudgeApi.SelfTaught;
using JudgeApi.Training;

namespace JudgeApi.Cli;

/// <summary>
/// probe-proof-model: trains the seed model's shape on the comparison alone (<see cref="EqualityProbe"/>) and prints
/// one line with how well it then tells the reference from a near miss, so a seed recipe or shape can be checked for
/// that step in minutes before a whole seed model is trained.
/// </summary>
public static class ProbeProofModelCommand
{
    public static Command Create()
    {
        var digitsOption = new Option<int>("--digits") { Description = "Largest number of digits of the compared numbers (1-6).", DefaultValueFactory = _ => 4 };
        var examplesOption = new Option<int>("--examples") { Description = "Training cases (each one pass).", DefaultValueFactory = _ => 60_000 };
        var layersOption = new Option<int>("--layers") { Description = "Layers of the model (the seed model has 4).", DefaultValueFactory = _ => 4 };
        var batchOption = new Option<int>("--batch") { Description = "Cases per optimizer step.", DefaultValueFactory = _ => 16 };
        var measureOption = new Option<int>("--measure") { Description = "Held-out cases measured.", DefaultValueFactory = _ => 400 };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the vocabulary, the weights and the cases.", DefaultValueFactory = _ => 1 };
        var threadsOption = new Option<int>("--threads") { Description = "CPU threads (0: all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("probe-proof-model", "Train the seed model's shape to compare two numbers against a reference, and measure how well it does.")
        {
            digitsOption, examplesOption, layersOption, batchOption, measureOption, seedOption, threadsOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (digits, examples, layers) = (parse.GetValue(digitsOption), parse.GetValue(examplesOption), parse.GetValue(layersOption));
            var (seed, threads) = (parse.GetValue(seedOption), parse.GetValue(threadsOption));
            if (digits is < 1 or > 6 || examples < 1 || layers < 1 || parse.GetValue(batchOption) < 1 || parse.GetValue(measureOption) < 1)
            {
                Console.Error.WriteLine("probe-proof-model: --digits must be 1-6; --examples, --layers, --batch and --measure at least 1.");
                return 2;
            }
            var work = Directory.CreateTempSubdirectory("judgeapi-probe-");
            try
            {
                var progress = new Progress<TrainingProgress>(p =>
                {
                    if (p.Step % 500 == 0 || p.Step == p.TotalSteps)
                        Console.Error.WriteLine($"  step {p.Step}/{p.TotalSteps}  loss {p.Loss:0.000}  {p.TokensPerSecond:0} tokens/s");
                });
                var model = Path.Combine(work.FullName, "probe.gguf");
                var training = await EqualityProbe.TrainAsync(model, digits, examples, layers, parse.GetValue(batchOption), seed, threads, work.FullName,
                    progress, cancellationToken);
                using var engine = EvaluateCommand.LoadEngine(model, null, context: 256, sequences: 8, threads);
                var (accuracy, nearMisses) = await EqualityProbe.MeasureAsync(engine, digits, parse.GetValue(measureOption), seed, cancellationToken);
                Console.WriteLine($"equality digits={digits} layers={layers} examples={examples} steps={training.Steps} tokens={training.TokensProcessed} " +
                    $"train_s={training.Elapsed.TotalSeconds:0} loss={training.FinalLoss:0.000} acc={accuracy:0.000} near_miss_acc={(double.IsNaN(nearMisses) ? "none" : nearMisses.ToString("0.000"))}");
                return 0;
            }
            finally
            {
                work.Delete(recursive: true);
            }
        });
        return command;
    }
}
