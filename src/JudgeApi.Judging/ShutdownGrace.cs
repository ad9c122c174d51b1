using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>
/// What a stop signal (SIGTERM, Ctrl+C) gives running work: <see cref="Stopping"/> fires at once (start nothing
/// new, end event streams), <see cref="Deadline"/> when <see cref="JudgeOptions.ShutdownGraceSeconds"/> have
/// passed (cancel what still runs: a request is answered 503, an iteration's unfinished items are redone when the
/// service starts again). The host waits <see cref="AfterDeadline"/> longer for those answers before it exits.
/// </summary>
public sealed class ShutdownGrace : IDisposable
{
    /// <summary>Time after the deadline for the last answers to be written and the services to stop.</summary>
    public static readonly TimeSpan AfterDeadline = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource deadline;
    private readonly CancellationTokenRegistration onStopping;

    public ShutdownGrace(IHostApplicationLifetime lifetime, IOptions<JudgeOptions> options, TimeProvider time, ILogger<ShutdownGrace> logger)
    {
        Grace = TimeSpan.FromSeconds(options.Value.ShutdownGraceSeconds);
        Stopping = lifetime.ApplicationStopping;
        deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        onStopping = Stopping.Register(() =>
        {
            logger.LogInformation("Stopping: running requests and iteration work have {Seconds} s to finish (Judge:ShutdownGraceSeconds).", Grace.TotalSeconds);
            deadline.CancelAfter(Grace);
        });
        deadline.Token.Register(() => logger.LogWarning(
            "The {Seconds} s shutdown grace period is over: requests still running are answered 503, iteration work still running is redone at the next start.",
            Grace.TotalSeconds));
    }

    public TimeSpan Grace { get; }

    /// <summary>Fires when the host is told to stop.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Fires <see cref="Grace"/> after <see cref="Stopping"/>.</summary>
    public CancellationToken Deadline => deadline.Token;

    public void Dispose()
    {
        onStopping.Dispose();
        deadline.Dispose();
    }
}
