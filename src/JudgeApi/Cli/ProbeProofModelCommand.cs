using System.CommandLine;
using JudgeApi.SelfTaught;
using JudgeApi.Training;

namespace JudgeApi.Cli;

/// <summary>
/// probe-proof-model: trains the seed model's shape on one part of what the seed corpus teaches and prints one line
/// with how well it then does it: <c>equality</c> (<see cref="EqualityProbe"/>: telling the reference from a near miss)
/// or <c>answers</c> (<see cref="AnswerProbe"/>: answering some families), so a seed recipe or shape can be checked
/// for that part in minutes before a whole seed model is trained.
/// </summary>
public static class ProbeProofModelCommand
{
    public static Command Create()
    {
        var taskOption = new Option<string>("--task") { Description = "equality (compare two numbers against a reference) or answers (answer questions of --families).", DefaultValueFactory = _ => "equality" };
        taskOption.AcceptOnlyFromAmong("equality", "answers");
        var digitsOption = new Option<int>("--digits") { Description = "equality: largest number of digits of the compared numbers (1-6).", DefaultValueFactory = _ => 4 };
        var familiesOption = new Option<string>("--families") { Description = "answers: comma-separated world families.", DefaultValueFactory = _ => "addition,subtraction,multiplication" };
        var examplesOption = new Option<int>("--examples") { Description = "Training cases.", DefaultValueFactory = _ => 30_000 };
        var epochsOption = new Option<int>("--epochs") { Description = "answers: passes over the cases (equality: one).", DefaultValueFactory = _ => 1 };
        var learningRateOption = new Option<float>("--learning-rate") { Description = "Peak learning rate (default: the seed recipe's).", DefaultValueFactory = _ => ProofModel.TrainerOptions(1, 1).LearningRate };
        var layersOption = new Option<int>("--layers") { Description = "equality: layers of the model (the seed model has 4).", DefaultValueFactory = _ => 4 };
        var batchOption = new Option<int>("--batch") { Description = "equality: cases per optimizer step.", DefaultValueFactory = _ => 16 };
        var measureOption = new Option<int>("--measure") { Description = "Held-out cases measured (answers: dev questions of every family, the probed ones counted).", DefaultValueFactory = _ => 400 };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the vocabulary, the weights and the cases.", DefaultValueFactory = _ => 1 };
        var threadsOption = new Option<int>("--threads") { Description = "CPU threads (0: all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("probe-proof-model", "Train the seed model's shape on one part of the seed corpus (comparing numbers, or answering some families) and measure how well it does it.")
        {
            taskOption, digitsOption, familiesOption, examplesOption, epochsOption, learningRateOption, layersOption, batchOption, measureOption, seedOption, threadsOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (digits, examples, layers, learningRate) = (parse.GetValue(digitsOption), parse.GetValue(examplesOption), parse.GetValue(layersOption), parse.GetValue(learningRateOption));
            var (seed, threads, epochs) = (parse.GetValue(seedOption), parse.GetValue(threadsOption), parse.GetValue(epochsOption));
            var familyNames = parse.GetValue(familiesOption)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var unknown = familyNames.Where(n => ProofWorld.Families.All(f => f.Name != n)).ToList();
            if (digits is < 1 or > 6 || examples < 1 || epochs < 1 || layers < 1 || parse.GetValue(batchOption) < 1 || parse.GetValue(measureOption) < 1
                || learningRate is not (> 0 and < 1) || familyNames.Length == 0 || unknown.Count > 0)
            {
                Console.Error.WriteLine("probe-proof-model: --digits must be 1-6; --examples, --epochs, --layers, --batch and --measure at least 1; " +
                    $"--learning-rate in (0, 1); --families from {string.Join(", ", ProofWorld.Families.Select(f => f.Name))}" +
                    (unknown.Count > 0 ? $" (not a family: {string.Join(", ", unknown)})." : "."));
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
                if (parse.GetValue(taskOption) == "answers")
                {
                    var families = familyNames.Select(ProofWorld.Family).ToList();
                    var trained = await AnswerProbe.TrainAsync(model, families, examples, epochs, learningRate, seed, threads, work.FullName, progress, cancellationToken);
                    using var answerer = EvaluateCommand.LoadEngine(model, null, context: 256, sequences: 8, threads);
                    var scores = await SeedModelScores.MeasureAsync(answerer, seed, parse.GetValue(measureOption), pairs: 0, ProofModel.ReasoningTokens, cancellationToken);
                    Console.WriteLine($"answers families={string.Join(',', familyNames)} examples={examples} epochs={epochs} learning_rate={learningRate:G3} steps={trained.Steps} " +
                        $"tokens={trained.TokensProcessed} train_s={trained.Elapsed.TotalSeconds:0} loss={trained.FinalLoss:0.000} " +
                        string.Join(' ', familyNames.Select(n => $"{n}={scores.Families[n].AnswerAccuracy:0.000}({scores.Families[n].Answers})")));
                    return 0;
                }
                var training = await EqualityProbe.TrainAsync(model, digits, examples, layers, parse.GetValue(batchOption), learningRate, seed, threads, work.FullName,
                    progress, cancellationToken);
                using var engine = EvaluateCommand.LoadEngine(model, null, context: 256, sequences: 8, threads);
                var (accuracy, nearMisses) = await EqualityProbe.MeasureAsync(engine, digits, parse.GetValue(measureOption), seed, cancellationToken);
                Console.WriteLine($"equality digits={digits} layers={layers} examples={examples} learning_rate={learningRate:G3} steps={training.Steps} tokens={training.TokensProcessed} " +
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
