using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JudgeApi.SelfTaught;

/// <summary>
/// <see cref="IReplicaBroadcast"/> over PostgreSQL <c>LISTEN/NOTIFY</c> on one channel: a dedicated connection
/// listens (and reconnects after an outage, then hands subscribers <see cref="ReplicaTopic.Resync"/>); a message is
/// <c>sender, topic, argument</c>, and a replica ignores its own.
/// </summary>
internal sealed class PostgresBroadcast(SelfTaughtDatabase database, IOptions<ScaleOutOptions> options, ILogger<PostgresBroadcast> logger)
    : BackgroundService, IReplicaBroadcast
{
    private const string Channel = "judgeapi";
    private readonly string sender = options.Value.EffectiveReplicaName;
    private readonly List<Action<string, string>> handlers = [];
    private PostgresDialect Postgres => (PostgresDialect)database.Dialect;

    public void Subscribe(Action<string, string> handler)
    {
        lock (handlers)
            handlers.Add(handler);
    }

    public void Publish(string topic, string argument = "")
    {
        try
        {
            using var connection = Postgres.DataSource.OpenConnection();
            using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("payload", $"{sender}\n{topic}\n{argument}");
            notify.ExecuteNonQuery();
        }
        catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e))
        {
            logger.LogDebug("Not sent to the other replicas ({Topic} {Argument}): {Error}", topic, argument, e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await Postgres.DataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Deliver(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // Whatever was sent before this connection listened (at start, or during an outage) is read from the store.
                logger.LogInformation("Listening to the other replicas; reading the shared state anew.");
                Dispatch(ReplicaTopic.Resync, "");
                // WaitAsync with a timeout doubles as the check that the connection is still alive.
                while (!stoppingToken.IsCancellationRequested)
                    if (!await connection.WaitAsync(poll * 5, stoppingToken))
                        await using (var ping = new NpgsqlCommand("SELECT 1", connection))
                            await ping.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (SelfTaughtDatabase.IsUnavailable(e) || e is NpgsqlException)
            {
                logger.LogWarning("Not listening to the other replicas ({Error}); trying again.", e.Message);
                await Task.Delay(poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Deliver(string payload)
    {
        var parts = payload.Split('\n', 3);
        if (parts.Length == 3 && parts[0] != sender)
            Dispatch(parts[1], parts[2]);
    }

    private void Dispatch(string topic, string argument)
    {
        Action<string, string>[] current;
        lock (handlers)
            current = [.. handlers];
        foreach (var handler in current)
        {
            try
            {
                handler(topic, argument);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Handling {Topic} {Argument} from another replica failed.", topic, argument);
            }
        }
    }
}
