using System.Diagnostics;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Training;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Trains the iteration's candidate: a fresh LoRA adapter on the base (seed) model from the iteration's kept examples
/// (or all kept so far), as the paper re-trains from the seed model each iteration. The adapter is written to a temp
/// file and renamed into the registry only when complete, in the same step that commits the stage; a run cut short
/// (crash, cancel) leaves nothing visible and starts over.
/// </summary>
public sealed class TrainingStage(IterationLoopStore loopStore, AdapterRegistry registry, IJudgeEngine engine, IterationEvents events,
    IOptions<TrainerOptions> options, ILogger<TrainingStage> logger)
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>The registry id of an iteration's adapter.</summary>
    public static string AdapterIdFor(IterationRecord iteration) => $"iteration-{iteration.Number}";

    public async Task<string> RunAsync(IterationRecord iteration, CancellationToken cancellationToken)
    {
        var adapterId = AdapterIdFor(iteration);
        if (registry.Find(adapterId) is not null)
            return adapterId;
        registry.RemoveStrayFiles(adapterId);
        loopStore.ClearTraining(iteration.Id);

        var data = iteration.Parameters.Data;
        var examples = loopStore.TrainingExamples(iteration.Id, data).Select(ToExample).ToList();
        if (examples.Count == 0)
            throw new TrainingDataException("The iteration kept no examples, so there is nothing to train on; import more instructions or raise judgmentsPerPair.");

        var model = engine.Model;
        var trainerOptions = options.Value;
        var temp = registry.NewTempPath(adapterId);
        var manifest = AdapterManifest.PathFor(temp);
        var lastReport = Stopwatch.StartNew();
        double? initialLoss = null;
        var progress = new StepProgress(step =>
        {
            initialLoss ??= step.Loss;
            if (step.Step > 1 && step.Step < step.TotalSteps && lastReport.Elapsed < ReportEvery)
                return;
            lastReport.Restart();
            loopStore.SaveTraining(iteration.Id, new TrainingReport(data, examples.Count, step.Step, step.TotalSteps, step.Loss, initialLoss,
                step.TokensPerSecond, step.Elapsed.TotalSeconds, step.Remaining.TotalSeconds, null));
            events.Changed(iteration.Id);
        });
        logger.LogInformation("Iteration {Number}: training adapter {Adapter} on {Examples} {Data} examples (rank {Rank}, {Epochs} epochs).",
            iteration.Number, adapterId, examples.Count, data, trainerOptions.Rank, trainerOptions.Epochs);
        try
        {
            var result = await new LoraTrainer(trainerOptions).TrainAsync(model.Path, examples, temp, progress, cancellationToken);
            var report = new TrainingReport(data, result.Examples, result.Steps, result.Steps, result.FinalLoss, result.InitialLoss,
                result.TokensProcessed / Math.Max(result.Elapsed.TotalSeconds, 1e-9), result.Elapsed.TotalSeconds, 0, adapterId);
            File.Move(manifest, AdapterManifest.PathFor(registry.PathOf(adapterId)), overwrite: true);
            registry.Register(temp, new AdapterRegistration(adapterId, iteration.Id, "iteration", model.ContentHash, trainerOptions.Rank, trainerOptions.Alpha),
                (connection, transaction) => IterationLoopStore.CompleteTraining(connection, transaction, iteration.Id, report));
            registry.SetMetrics(adapterId, new { training = new { result.InitialLoss, result.FinalLoss, result.Steps, result.Examples } });
            events.Changed(iteration.Id);
            return adapterId;
        }
        finally
        {
            File.Delete(temp);
            File.Delete(manifest);
        }
    }

    private static TrainingExample ToExample(string messagesJson) =>
        new(JsonSerializer.Deserialize<List<DatasetMessage>>(messagesJson, JsonSerializerOptions.Web)!.Select(m => new ChatMessage(m.Role, m.Content)).ToList());

    /// <summary>Reports on the trainer's thread, in step order (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
    private sealed class StepProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
