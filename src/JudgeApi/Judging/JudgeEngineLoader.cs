using JudgeApi.Adapters;
using JudgeApi.Options;
using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>Loads the judge model after start-up, so /health/live answers at once and /health/ready turns healthy when loading ends.</summary>
internal sealed class JudgeEngineLoader(LlamaJudgeEngine engine, AdapterRegistry adapters, IOptions<JudgeOptions> options, ILogger<JudgeEngineLoader> logger)
    : BackgroundService
{
    /// <summary>Why loading failed, for /health/ready; null while loading or after success.</summary>
    public string? Failure { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            // The registry's active adapter (if any) is served from the first request on.
            engine.Load(adapters.ActivePathAtStartup());
        }
        catch (Exception ex)
        {
            Failure = ex.Message;
            logger.LogCritical(ex, "The judge model could not be loaded (Judge:ModelPath = '{ModelPath}'); the service stays not ready.", options.Value.ModelPath);
        }
    }, stoppingToken);
}
