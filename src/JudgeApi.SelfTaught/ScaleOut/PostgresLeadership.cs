using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Leader election over PostgreSQL: the leader holds a session-level advisory lock on a connection of its own (not
/// pooled, so the lock lives exactly as long as that connection). Followers try for it every
/// <c>Judge:ScaleOut:PollMilliseconds</c>. A leader killed with <c>kill -9</c> closes its socket, the server ends
/// its session and frees the lock, and a follower holds it within one poll. The leader checks its connection at the
/// same rate; when the check fails (PostgreSQL restarted, network gone) it stops leading at once, and what it was
/// doing stays as stored for the next leader to resume.
/// </summary>
internal sealed class PostgresLeadership(SelfTaughtDatabase database, LeaderTerms terms, IOptions<ScaleOutOptions> options,
    ILogger<PostgresLeadership> logger) : IIterationLeadership, IDisposable
{
    private readonly string replica = options.Value.EffectiveReplicaName;
    private readonly TimeSpan poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
    private NpgsqlConnection? held;
    private CancellationTokenSource? term;

    public bool IsLeader => Volatile.Read(ref held) is not null;

    public async Task<CancellationToken> AcquireAsync(CancellationToken cancellationToken)
    {
        if (term is { IsCancellationRequested: false } current)
            return current.Token;
        var connectionString = new NpgsqlConnectionStringBuilder(((PostgresDialect)database.Dialect).DataSource.ConnectionString)
        {
            Pooling = false,
            // The server notices a vanished client (a host gone without closing its socket) within seconds.
            TcpKeepAlive = true,
        }.ConnectionString;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            NpgsqlConnection? connection = null;
            try
            {
                connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({PostgresDialect.LeaderLock})", connection);
                if (await tryLock.ExecuteScalarAsync(cancellationToken) is true)
                {
                    terms.Begin(replica);
                    held = connection;
                    term = new CancellationTokenSource();
                    logger.LogInformation("Replica {Replica} leads: it runs the iterations.", replica);
                    _ = WatchAsync(connection, term);
                    return term.Token;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && (SelfTaughtDatabase.IsUnavailable(e) || e is NpgsqlException))
            {
                logger.LogDebug("Leader election: {Location} cannot be reached ({Error}).", database.Path, e.Message);
            }
            if (connection is not null)
                await connection.DisposeAsync();
            await Task.Delay(poll, cancellationToken);
        }
    }

    /// <summary>Checks the lock's connection every poll; the first failure ends the term.</summary>
    private async Task WatchAsync(NpgsqlConnection connection, CancellationTokenSource ending)
    {
        try
        {
            while (true)
            {
                await Task.Delay(poll);
                await using var check = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = Math.Max(1, (int)Math.Ceiling(poll.TotalSeconds * 2)) };
                await check.ExecuteScalarAsync();
            }
        }
        catch (Exception e)
        {
            logger.LogWarning("Replica {Replica} stops leading: its connection to {Location} failed ({Error}).", replica, database.Path, e.Message);
        }
        finally
        {
            Volatile.Write(ref held, null);
            ending.Cancel();
            await connection.DisposeAsync();
        }
    }

    public void Dispose()
    {
        // Closing the connection frees the lock for the next leader now rather than when the server notices.
        Volatile.Read(ref held)?.Dispose();
        term?.Cancel();
    }
}
