using System.CommandLine;
using System.Text.Json;
using JudgeApi.Llama.IO;
using JudgeApi.SelfTaught;
using JudgeApi.Training;

namespace JudgeApi.Cli;

/// <summary>
/// create-proof-model: trains the proof world's seed model from scratch (<see cref="ProofModel"/>: a byte-level BPE
/// vocabulary learned from the world's corpus, a small llama model with random weights over it, every weight trained on
/// the seed corpus, each example rendered as the service renders it). Then it measures the model on the world's dev
/// half (never the labeled test half): answer and judge accuracy per family, written with the recipe and the training
/// figures to <c>&lt;out&gt;.seed.json</c>. Deterministic for a seed and thread count.
/// </summary>
public static class CreateProofModelCommand
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public static Command Create()
    {
        var outOption = new Option<FileInfo>("--out") { Description = "Path of the seed model (.gguf) to write.", Required = true };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the vocabulary, the corpus, the initial weights and the training order.", DefaultValueFactory = _ => 1 };
        var recipeOption = new Option<string>("--recipe") { Description = "full (the seed model) or reduced (a test-sized recipe).", DefaultValueFactory = _ => "full" };
        recipeOption.AcceptOnlyFromAmong("full", "reduced");
        var threadsOption = new Option<int>("--threads") { Description = "CPU threads (0: all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("create-proof-model", "Train the proof world's seed model from scratch and report its answer and judge accuracy on the world's dev questions.")
        {
            outOption, seedOption, recipeOption, threadsOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var outPath = parse.GetValue(outOption)!.FullName;
            var (seed, threads, reduced) = (parse.GetValue(seedOption), parse.GetValue(threadsOption), parse.GetValue(recipeOption) == "reduced");
            var work = Directory.CreateTempSubdirectory("judgeapi-proof-model-");
            try
            {
                var progress = new Progress<TrainingProgress>(p =>
                {
                    if (p.Step % 100 == 0 || p.Step == p.TotalSteps)
                        Console.Error.WriteLine($"  step {p.Step}/{p.TotalSteps}  loss {p.Loss:0.000}  {p.TokensPerSecond:0} tokens/s  eta {p.Remaining:hh\\:mm\\:ss}");
                });
                var build = await ProofModel.TrainAsync(outPath, seed, reduced, threads, work.FullName, progress, cancellationToken);
                var training = build.Training;
                Console.Error.WriteLine($"create-proof-model: {build.VocabularySize}-token vocabulary, {training.Examples} examples, {training.Steps} steps, " +
                    $"loss {training.InitialLoss:0.000} -> {training.FinalLoss:0.000}, {training.TokensPerSecond:0} tokens/s");

                var measured = System.Diagnostics.Stopwatch.StartNew();
                SeedModelScores dev;
                using (var engine = EvaluateCommand.LoadEngine(outPath, null, ProofModel.Preset("", reduced).ContextLength, sequences: 8, threads))
                    dev = await SeedModelScores.MeasureAsync(engine, seed, questions: 320, pairs: reduced ? 0 : 160, maxReasoningTokens: ProofModel.ReasoningTokens, cancellationToken);
                Console.Error.WriteLine($"create-proof-model: on the dev half, answer accuracy {dev.AnswerAccuracy:0.000}, judge accuracy {dev.JudgeAccuracy:0.000}");
                foreach (var (family, score) in dev.Families)
                    Console.Error.WriteLine($"  {family,-15} answers {score.AnswerAccuracy:0.000} (in form {score.AnswerFormRate:0.000}, {score.Answers})  judge {score.JudgeAccuracy:0.000} ({score.Pairs} pairs)");

                var report = new
                {
                    seed,
                    recipe = reduced ? "reduced" : "full",
                    corpus = reduced ? SeedRecipe.Reduced : new SeedRecipe(),
                    build.CorpusExamples,
                    build.VocabularySize,
                    preset = ProofModel.Preset("generated", reduced),
                    trainer = ProofModel.TrainerOptions(seed, threads, reduced),
                    training = new { training.Steps, training.Examples, training.TokensProcessed, training.TokensPerSecond, training.InitialLoss, training.FinalLoss },
                    sizeBytes = new FileInfo(outPath).Length,
                    dev,
                    seconds = new
                    {
                        prepare = Math.Round(build.PrepareTime.TotalSeconds, 1),
                        train = Math.Round(training.Elapsed.TotalSeconds, 1),
                        measure = Math.Round(measured.Elapsed.TotalSeconds, 1),
                    },
                };
                AtomicFile.Write(outPath + ".seed.json", stream => JsonSerializer.Serialize(stream, report, ReportJson));
                Console.WriteLine($"Wrote {outPath} and {outPath}.seed.json");
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
