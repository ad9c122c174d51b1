using System.Diagnostics;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Llama.IO;
using JudgeApi.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Trains the iteration's candidate: a fresh LoRA adapter on the base (seed) model from the iteration's kept examples
/// (or all kept so far), as the paper re-trains from the seed model each iteration. The adapter is written to a temp
/// file and renamed into the registry only when complete, in the stage's commit with its row and the training report;
/// a run cut short (crash, cancel) leaves nothing visible and starts over.
/// </summary>
public sealed class TrainingStage(PairStore pairs, CandidateStore candidates, TrainingHistory history, AdapterRegistry registry, IJudgeEngine engine,
    IOptions<TrainerOptions> options, JudgeMetrics metrics, ILogger<TrainingStage> logger) : IIterationStage
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>The registry id of an iteration's adapter.</summary>
    public static string AdapterIdFor(IterationRecord iteration) => $"iteration-{iteration.Number}";

    public string Name => IterationStage.Train;

    public async Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var iteration = context.Iteration;
        var adapterId = AdapterIdFor(iteration);
        // Training starts over after a restart, so a stopping service does not wait for it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.StopStarting);
        cancellationToken = stop.Token;
        registry.RemoveStrayFiles(adapterId);
        candidates.SaveTrainingProgress(iteration.Id, null);
        history.Forget(iteration.Id);

        var data = iteration.Parameters.Data;
        var examples = pairs.TrainingExamples(iteration.Id, data).Select(ToExample).ToList();
        if (examples.Count == 0)
            throw new TrainingDataException("The iteration kept no examples, so there is nothing to train on; import more instructions or raise judgmentsPerPair.");

        var model = engine.Model;
        var trainerOptions = options.Value;
        var temp = registry.NewTempPath(adapterId);
        var manifest = AdapterManifest.PathFor(temp);
        var lastReport = Stopwatch.StartNew();
        double? initialLoss = null;
        // Every step is kept (the loss curve); they are written together with the progress, at most every ReportEvery.
        var unsaved = new List<TrainingStep>();
        var progress = new StepProgress(step =>
        {
            initialLoss ??= step.Loss;
            metrics.TrainingStep(step.Loss, step.TokensPerSecond);
            unsaved.Add(new TrainingStep(step.Step, step.Epoch, step.Loss, step.LearningRate, step.TokensPerSecond, step.Elapsed.TotalSeconds));
            if (step.Step > 1 && step.Step < step.TotalSteps && lastReport.Elapsed < ReportEvery)
                return;
            lastReport.Restart();
            history.Record(iteration.Id, new TrainingReport(data, examples.Count, step.Step, step.TotalSteps, step.Loss, initialLoss,
                step.TokensPerSecond, step.Elapsed.TotalSeconds, step.Remaining.TotalSeconds, null), unsaved);
            unsaved.Clear();
            context.Changed();
        });
        logger.LogInformation("Iteration {Number}: training adapter {Adapter} on {Examples} {Data} examples (rank {Rank}, {Epochs} epochs).",
            iteration.Number, adapterId, examples.Count, data, trainerOptions.Rank, trainerOptions.Epochs);
        try
        {
            // Rendered with the template the service serves with, so the adapter trains on the served tokens.
            var result = await new LoraTrainer(trainerOptions, model.ChatTemplate).TrainAsync(model.Path, examples, temp, progress, cancellationToken);
            var report = new TrainingReport(data, result.Examples, result.Steps, result.Steps, result.FinalLoss, result.InitialLoss,
                result.TokensProcessed / Math.Max(result.Elapsed.TotalSeconds, 1e-9), result.Elapsed.TotalSeconds, 0, adapterId);
            // The manifest has no row of its own: without the adapter's row, a restart deletes it with the adapter file.
            AtomicFile.Publish(manifest, AdapterManifest.PathFor(registry.PathOf(adapterId)));
            context.Complete(db =>
            {
                registry.Register(db, temp, new AdapterRegistration(adapterId, iteration.Id, "iteration", model.ContentHash, trainerOptions.Rank, trainerOptions.Alpha));
                AdapterRegistry.SetMetrics(db, adapterId, new { training = new { result.InitialLoss, result.FinalLoss, result.Steps, result.Examples } });
                CandidateStore.SaveTraining(db, iteration.Id, report);
                TrainingHistory.Append(db, iteration.Id, unsaved);
            });
            registry.Announce(adapterId);
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
