using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>
/// The adapter the engine starts with, when a higher layer remembers one (the adapter registry keeps the active
/// adapter across restarts). Owned here so the engine needs nothing from the layers above it.
/// </summary>
public interface IStartupAdapter
{
    /// <summary>The adapter file to serve from the first request on; null: <c>Judge:AdapterPath</c>, if set.</summary>
    string? AdapterPathAtStartup();
}

/// <summary>Loads the judge model after start-up, so /health/live answers at once and /health/ready turns healthy when loading ends.</summary>
public sealed class JudgeEngineLoader(LlamaJudgeEngine engine, IOptions<JudgeOptions> options, ILogger<JudgeEngineLoader> logger,
    IStartupAdapter? startupAdapter = null) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            engine.Load(startupAdapter?.AdapterPathAtStartup());
        }
        catch (Exception ex)
        {
            // The engine keeps the reason (LoadFailure) for /health/ready and every judge call.
            logger.LogCritical(ex, "The judge model could not be loaded (Judge:ModelPath = '{ModelPath}'); the service stays not ready.", options.Value.ModelPath);
        }
    }, stoppingToken);
}
