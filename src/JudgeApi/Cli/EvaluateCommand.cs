using System.CommandLine;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Spectre.Console;

namespace JudgeApi.Cli;

/// <summary>
/// evaluate: accuracy of a model (and optional adapter) on a labeled set (RewardBench lines, conversations or MT-Bench
/// human judgments), both orders judged; tie-aware agreement when the set holds ties.
/// </summary>
public static class EvaluateCommand
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public static Command Create()
    {
        var modelOption = new Option<FileInfo>("--model") { Description = "GGUF judge model.", Required = true };
        var adapterOption = new Option<FileInfo?>("--adapter") { Description = "Optional GGUF LoRA adapter for the model." };
        var dataOption = new Option<FileInfo>("--data")
        {
            Description = "Pairs, JSONL (one a line) or one JSON array: RewardBench { \"prompt\", \"chosen\", \"rejected\", \"subset\"? }, with a \"conversation\", as two whole sides, " +
                          "or MT-Bench human judgments.",
            Required = true,
        };
        var modeOption = new Option<string>("--mode") { Description = "reasoning (judge reasons first) or direct (verdict only).", DefaultValueFactory = _ => JudgeModes.Reasoning };
        modeOption.AcceptOnlyFromAmong(JudgeModes.Reasoning, JudgeModes.Direct);
        var samplesOption = new Option<int?>("--samples") { Description = "Score a seeded random sample of this many pairs instead of all." };
        var reportOption = new Option<FileInfo?>("--report") { Description = "Where to write the JSON report (default: <data>.report.json)." };
        var tokensOption = new Option<int>("--max-reasoning-tokens") { Description = "Reasoning budget per judgment.", DefaultValueFactory = _ => 256 };
        var contextOption = new Option<int>("--context") { Description = "Tokens per judgment (prompt + reasoning + verdict).", DefaultValueFactory = _ => 4096 };
        var sequencesOption = new Option<int>("--sequences") { Description = "Judgments decoded together.", DefaultValueFactory = _ => 8 };
        var threadsOption = new Option<int>("--threads") { Description = "CPU threads (0: all cores).", DefaultValueFactory = _ => 0 };
        var tieOption = new Option<bool>("--allow-tie") { Description = "The judge prompt offers a tie ([[C]]), as MT-Bench's does." };

        var command = new Command("evaluate", "Accuracy of a judge model (optionally with a LoRA adapter) on labeled pairs, overall and per subset.")
        {
            modelOption, adapterOption, dataOption, modeOption, samplesOption, reportOption, tokensOption, contextOption, sequencesOption, threadsOption,
            tieOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var data = parse.GetValue(dataOption)!;
            IReadOnlyList<LabeledPair> pairs;
            try
            {
                pairs = LabeledSetFile.Read(data.FullName);
            }
            catch (LabeledSetException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            if (parse.GetValue(samplesOption) is { } samples)
            {
                if (samples < 1)
                {
                    Console.Error.WriteLine("--samples must be at least 1.");
                    return 2;
                }
                var random = new Random(0);
                pairs = pairs.Select((p, i) => (p, i, key: random.Next())).OrderBy(x => x.key).Take(samples).OrderBy(x => x.i).Select(x => x.p).ToList();
            }

            var mode = JudgeModes.Parse(parse.GetValue(modeOption));
            var adapter = parse.GetValue(adapterOption)?.FullName;
            using var engine = LoadEngine(parse.GetValue(modelOption)!.FullName, adapter, parse.GetValue(contextOption), parse.GetValue(sequencesOption), parse.GetValue(threadsOption));
            // The bar goes to stderr, so stdout stays the results alone.
            var errorConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            var allowTie = parse.GetValue(tieOption);
            var score = await errorConsole.Progress().AutoClear(false).Columns(new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("pairs", maxValue: pairs.Count);
                    return await new PairwiseEvaluator(engine).EvaluateAsync(pairs, new JudgeWeights(adapter), mode, parse.GetValue(tokensOption),
                        allowTie, WorkPriority.Interactive, () => task.Increment(1), cancellationToken);
                });

            var table = new Table().AddColumns("", "accuracy", "correct", "judgments", "pairs skipped (too long)");
            table.AddRow(Row("overall", score));
            foreach (var (subset, subsetScore) in score.Subsets ?? new Dictionary<string, AccuracyScore>())
                table.AddRow(Row(subset, subsetScore));
            AnsiConsole.MarkupLine($"model     {Markup.Escape(engine.Model.Path)}");
            AnsiConsole.MarkupLine($"adapter   {Markup.Escape(adapter ?? "(none)")}");
            AnsiConsole.MarkupLine($"mode      {JudgeModes.Name(mode)}, both orders judged{(allowTie ? ", ties allowed" : "")}");
            AnsiConsole.Write(table);
            if (score.TieAware is { } tieAware)
                AnsiConsole.MarkupLine($"with ties {Markup.Escape(Format(tieAware))}");

            var reportPath = parse.GetValue(reportOption)?.FullName ?? data.FullName + ".report.json";
            await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(new
            {
                model = engine.Model.Path,
                modelSha256 = engine.Model.ContentHash,
                adapter,
                adapterSha256 = engine.Model.AdapterHash,
                data = data.FullName,
                mode = JudgeModes.Name(mode),
                allowTie,
                pairs = pairs.Count,
                score,
            }, ReportJson), cancellationToken);
            Console.WriteLine($"report    {reportPath}");
            return 0;
        });
        return command;
    }

    /// <summary>The service's judge engine on one model, for command-line tools.</summary>
    internal static LlamaJudgeEngine LoadEngine(string modelPath, string? adapterPath, int context, int sequences, int threads)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddMetrics().BuildServiceProvider();
        var options = Microsoft.Extensions.Options.Options.Create(new JudgeOptions
        {
            ModelPath = modelPath,
            AdapterPath = adapterPath,
            ContextSize = context,
            Sequences = sequences,
            Threads = threads,
        });
        var engine = new LlamaJudgeEngine(options, new JudgeMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            services.GetRequiredService<ILogger<LlamaJudgeEngine>>());
        engine.Load();
        return engine;
    }

    private static string[] Row(string name, AccuracyScore score) =>
        [Markup.Escape(name), score.Accuracy is { } a ? $"{a:P1}" : "n/a", $"{score.Correct}", $"{score.Judgments}", $"{score.Skipped}"];

    private static string Format(TieAgreement tie) =>
        $"{(tie.Agreement is { } a ? $"{a:P1}" : "n/a"),7}  agreement ({tie.Agreed}/{tie.Pairs} pairs, {tie.LabeledTies} labeled ties, {tie.JudgedTies} judged ties); " +
        $"without ties {(tie.AgreementWithoutTies is { } w ? $"{w:P1}" : "n/a")} ({tie.AgreedWithoutTies}/{tie.PairsWithoutTies})";
}
