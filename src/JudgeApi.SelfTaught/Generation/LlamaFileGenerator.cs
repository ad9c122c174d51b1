using JudgeApi.Judging;
using JudgeApi.Llama;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// A GGUF generator (<c>Judge:Generator:ModelPath</c>): its own llama.cpp engine (model, context and scheduler) beside
/// the judge's, loaded when the first iteration needs it so that a service that never runs one never holds it.
/// </summary>
public sealed class LlamaFileGenerator : IGeneratorModel, IDisposable
{
    private readonly LlamaJudgeEngine engine;
    private readonly JudgeEngineGenerator generator;
    private readonly Lazy<Task> load;
    private readonly string path;

    public LlamaFileGenerator(GeneratorOptions options, JudgeOptions judge, JudgeMetrics metrics, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<LlamaFileGenerator>();
        path = options.ModelPath!;
        engine = new LlamaJudgeEngine(Options.Create(new JudgeOptions
        {
            ModelPath = path,
            Backend = judge.Backend,
            GpuLayers = options.GpuLayers,
            ContextSize = options.ContextSize,
            Sequences = options.Sequences,
            // The generator's memory as configured (ContextSize x Sequences cells); all of its work is background
            // work, so no sequence waits for live requests, and Judge:ReproducibleBackground makes its texts repeat too.
            KvCacheTokens = (int)Math.Min(int.MaxValue, (long)options.ContextSize * options.Sequences),
            ReservedInteractiveSequences = 0,
            ReproducibleBackground = judge.ReproducibleBackground,
            Poll = judge.Poll,
            BatchSize = judge.BatchSize,
            Threads = options.Threads > 0 ? options.Threads : judge.DecodeThreads,
        }), metrics, loggers.CreateLogger<LlamaJudgeEngine>());
        generator = new JudgeEngineGenerator(engine, GeneratorIdentity.FileKind);
        load = new Lazy<Task>(() => Task.Run(() =>
        {
            engine.Load();
            logger.LogInformation("Generator model {Path} is loaded: it writes the iterations' texts; the judge model judges them.", path);
        }));
    }

    public async Task<GeneratedText> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            await load.Value.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new GeneratorUnavailableException($"The generator model {path} (Judge:Generator:ModelPath) could not be loaded: {e.Message}", e);
        }
        return await generator.GenerateAsync(messages, settings, cancellationToken);
    }

    public void Dispose() => engine.Dispose();
}
