using System.Threading.Channels;
using JudgeApi.Judging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Keeps this replica on the adapter the database says is active: on another replica's activation or rollback, and
/// after this one was cut off from the others (the listener's resync), it swaps between decode batches; a stored
/// adapter is fetched ahead of its activation, a deleted one's copy dropped. Messages are handled here, off the
/// listener's thread, one at a time.
/// </summary>
public sealed class ActiveAdapterSync(AdapterRegistry registry, IJudgeEngine engine, IReplicaBroadcast broadcast, SelfTaughtDatabase database,
    IOptions<ScaleOutOptions> options, ILogger<ActiveAdapterSync> logger) : BackgroundService
{
    private readonly Channel<(string Topic, string Argument)> inbox = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        broadcast.Subscribe((topic, argument) =>
        {
            if (topic is ReplicaTopic.ActiveAdapter or ReplicaTopic.Resync or ReplicaTopic.AdapterStored or ReplicaTopic.AdapterDeleted)
                inbox.Writer.TryWrite((topic, argument));
        });
        while (!engine.IsReady)
            await Task.Delay(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), stoppingToken);
        // An activation between the start-up read and the end of loading would otherwise be missed.
        inbox.Writer.TryWrite((ReplicaTopic.Resync, ""));
        await foreach (var (topic, argument) in inbox.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                switch (topic)
                {
                    case ReplicaTopic.AdapterStored:
                        registry.Fetch(argument);
                        break;
                    case ReplicaTopic.AdapterDeleted:
                        registry.Forget(argument);
                        break;
                    default:
                        registry.SyncActive();
                        break;
                }
            }
            catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
            {
                logger.LogWarning("Adapter {Topic} {Argument} not handled: {Location} cannot be reached; the resync after the outage catches up.", topic, argument, database.Path);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Adapter {Topic} {Argument} could not be handled.", topic, argument);
            }
        }
    }
}
