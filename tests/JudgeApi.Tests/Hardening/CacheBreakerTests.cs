using JudgeApi.Judging;
using Permit = JudgeApi.Judging.CacheBreaker.Permit;

namespace JudgeApi.Tests.Hardening;

/// <summary>The breaker's rules on a clock the test moves.</summary>
public sealed class CacheBreakerTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Now { get; set; }
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Now;
        public void Advance(TimeSpan by) => Now += by.Ticks;
    }

    private static readonly TimeSpan Break = TimeSpan.FromSeconds(15);

    [Fact]
    public void The_first_burst_of_failures_opens_it_however_many_successes_came_before()
    {
        var breaker = new CacheBreaker(Break, new ManualClock());
        for (var i = 0; i < 10_000; i++)
            breaker.Succeeded(breaker.Enter());
        // Eight requests in flight when the cache goes away: all let through, and the second failure opens it.
        var inFlight = Enumerable.Range(0, 8).Select(_ => breaker.Enter()).ToList();

        var opened = inFlight.Select(breaker.Failed).ToList();

        Assert.All(inFlight, p => Assert.Equal(Permit.Call, p));
        Assert.Equal([false, true, false, false, false, false, false, false], opened);
        Assert.Equal(Permit.Skip, breaker.Enter());
    }

    [Fact]
    public void A_single_failure_between_successes_does_not_open_it()
    {
        var breaker = new CacheBreaker(Break, new ManualClock());

        breaker.Failed(breaker.Enter());
        breaker.Succeeded(breaker.Enter());
        breaker.Failed(breaker.Enter());

        Assert.Equal(Permit.Call, breaker.Enter());
    }

    [Fact]
    public void After_the_break_exactly_one_caller_probes_and_the_rest_skip_until_it_answers()
    {
        var clock = new ManualClock();
        var breaker = new CacheBreaker(Break, clock);
        breaker.Failed(breaker.Enter());
        breaker.Failed(breaker.Enter());
        clock.Advance(Break - TimeSpan.FromSeconds(1));
        Assert.Equal(Permit.Skip, breaker.Enter());
        clock.Advance(TimeSpan.FromSeconds(1));

        var permits = new Permit[64];
        Parallel.For(0, permits.Length, i => permits[i] = breaker.Enter());

        Assert.Equal(1, permits.Count(p => p == Permit.Probe));
        Assert.Equal(63, permits.Count(p => p == Permit.Skip));
    }

    [Fact]
    public void A_failed_probe_starts_another_break_and_a_good_one_closes_it()
    {
        var clock = new ManualClock();
        var breaker = new CacheBreaker(Break, clock);
        breaker.Failed(breaker.Enter());
        Assert.True(breaker.Failed(breaker.Enter()));
        clock.Advance(Break);

        Assert.False(breaker.Failed(breaker.Enter()), "a failed probe is no new outage to announce");
        Assert.Equal(Permit.Skip, breaker.Enter());
        clock.Advance(Break);
        var probe = breaker.Enter();
        Assert.Equal(Permit.Probe, probe);
        Assert.True(breaker.Succeeded(probe));
        Assert.Equal(Permit.Call, breaker.Enter());
    }

    [Fact]
    public void A_late_success_of_a_call_made_before_the_outage_does_not_close_it()
    {
        var breaker = new CacheBreaker(Break, new ManualClock());
        var slow = breaker.Enter();
        breaker.Failed(breaker.Enter());
        breaker.Failed(breaker.Enter());

        Assert.False(breaker.Succeeded(slow));
        Assert.Equal(Permit.Skip, breaker.Enter());
    }

    [Fact]
    public void An_abandoned_probe_passes_the_turn_to_the_next_caller()
    {
        var clock = new ManualClock();
        var breaker = new CacheBreaker(Break, clock);
        breaker.Failed(breaker.Enter());
        breaker.Failed(breaker.Enter());
        clock.Advance(Break);

        breaker.Abandoned(breaker.Enter());

        Assert.Equal(Permit.Probe, breaker.Enter());
    }
}
