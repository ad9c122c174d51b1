namespace JudgeApi.Judging;

/// <summary>
/// The judgment cache's circuit breaker. Failures are counted across every request: <see cref="FailuresToOpen"/>
/// in a row with no success between them open it, so the first burst of an outage opens it however busy the
/// service was before (a failure ratio over a time window needs as many failures as there were successes in the
/// window, which under load is seconds of timeouts). While it is open, calls skip the cache; once the break is
/// over, exactly one call (the probe) tries the cache, the others keep skipping, and the probe's outcome closes it or
/// opens it for another break. Thread-safe.
/// </summary>
public sealed class CacheBreaker(TimeSpan breakDuration, TimeProvider time)
{
    /// <summary>Two failures in a row (a request's read and write, or two requests at once) are an outage, not a blip.</summary>
    public const int FailuresToOpen = 2;

    private readonly Lock gate = new();
    private State state = State.Closed;
    private int failuresInARow;
    private long openedAt;

    private enum State
    {
        Closed,
        Open,
        Probing,
    }

    /// <summary>What a caller may do now.</summary>
    public enum Permit
    {
        /// <summary>The breaker is open: answer without the cache.</summary>
        Skip,

        /// <summary>Use the cache, and report the outcome.</summary>
        Call,

        /// <summary>Use the cache as the one probe after a break, and report the outcome.</summary>
        Probe,
    }

    public Permit Enter()
    {
        lock (gate)
        {
            if (state == State.Closed)
                return Permit.Call;
            if (state == State.Open && time.GetElapsedTime(openedAt) >= breakDuration)
            {
                state = State.Probing;
                return Permit.Probe;
            }
            return Permit.Skip;
        }
    }

    /// <summary>Returns true when this success closed the breaker.</summary>
    public bool Succeeded(Permit permit)
    {
        lock (gate)
        {
            // A call let through before the breaker opened proves nothing about now; only the probe does.
            if (permit == Permit.Probe || state == State.Closed)
            {
                var closed = state != State.Closed;
                (state, failuresInARow) = (State.Closed, 0);
                return closed;
            }
            return false;
        }
    }

    /// <summary>Returns true when this failure opened a closed breaker (a failed probe only starts another break).</summary>
    public bool Failed(Permit permit)
    {
        lock (gate)
        {
            var opens = permit == Permit.Probe || (state == State.Closed && ++failuresInARow >= FailuresToOpen);
            if (!opens)
                return false;
            var wasClosed = state == State.Closed;
            (state, openedAt, failuresInARow) = (State.Open, time.GetTimestamp(), 0);
            return wasClosed;
        }
    }

    /// <summary>The call ended without an outcome (its caller went away): a probe's turn passes to the next call.</summary>
    public void Abandoned(Permit permit)
    {
        lock (gate)
        {
            if (permit == Permit.Probe && state == State.Probing)
                (state, openedAt) = (State.Open, time.GetTimestamp() - (long)(breakDuration.TotalSeconds * time.TimestampFrequency));
        }
    }
}
