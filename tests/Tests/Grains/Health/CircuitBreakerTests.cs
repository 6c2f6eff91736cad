using Actors.Grains.Health;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Grains.Health;

/// <summary>The passive health breaker on a fake clock: time moves only when the test advances it.</summary>
public class CircuitBreakerTests
{
    private static readonly TimeSpan FailTimeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _clock.GetUtcNow();

    private void Advance(double seconds) => _clock.Advance(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Counts_failures_in_total_a_success_inside_fail_timeout_does_not_reset_them()
    {
        var breaker = new CircuitBreaker(2, maxFails: 3, FailTimeout);

        breaker.OnOutcome(0, false, Now);
        Advance(1);
        breaker.OnOutcome(0, false, Now);
        Advance(1);
        breaker.OnPicked(0, Now);
        breaker.OnOutcome(0, true, Now);   // Kong: "2 failed, then 1 success within the window keeps the counter at 2"
        Assert.Equal(2, breaker.Fails(0));
        Assert.Equal(CircuitState.Closed, breaker.State(0, Now));
        Advance(1);
        breaker.OnOutcome(0, false, Now);

        Assert.Equal(CircuitState.Open, breaker.State(0, Now));
        Assert.Equal(Now + FailTimeout, breaker.RetryAt(0, Now));
        Advance(9);
        Assert.False(breaker.IsEligible(0, Now));
        Assert.True(breaker.IsEligible(1, Now));
        Advance(1);
        Assert.Equal(CircuitState.HalfOpen, breaker.State(0, Now)); // fail_timeout after the third failure
        Assert.True(breaker.IsEligible(0, Now));
    }

    [Fact]
    public void A_success_picked_after_fail_timeout_since_the_last_failure_resets_the_count()
    {
        var breaker = new CircuitBreaker(1, maxFails: 3, FailTimeout);
        breaker.OnOutcome(0, false, Now);
        breaker.OnOutcome(0, false, Now);

        Advance(10);
        breaker.OnPicked(0, Now);
        Advance(1);
        breaker.OnOutcome(0, true, Now);

        Assert.Equal(0, breaker.Fails(0));
        Advance(1);
        breaker.OnOutcome(0, false, Now);
        breaker.OnOutcome(0, false, Now);
        Assert.Equal(CircuitState.Closed, breaker.State(0, Now));
    }

    [Fact]
    public void After_fail_timeout_exactly_one_probe_goes_through()
    {
        var breaker = new CircuitBreaker(1, maxFails: 1, FailTimeout);
        breaker.OnOutcome(0, false, Now);
        _clock.Advance(FailTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(CircuitState.Open, breaker.State(0, Now));
        Assert.False(breaker.IsEligible(0, Now));
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(CircuitState.HalfOpen, breaker.State(0, Now));
        Assert.True(breaker.IsEligible(0, Now));
        breaker.OnPicked(0, Now);
        Advance(1);
        Assert.False(breaker.IsEligible(0, Now));     // the probe is in flight
        Assert.Equal(CircuitState.HalfOpen, breaker.State(0, Now));
        Advance(9);
        Assert.True(breaker.IsEligible(0, Now));      // its outcome never came: try again
    }

    [Fact]
    public void A_failed_probe_reopens_and_a_successful_one_closes()
    {
        var breaker = new CircuitBreaker(1, maxFails: 2, FailTimeout);
        breaker.OnOutcome(0, false, Now);
        breaker.OnOutcome(0, false, Now);
        Advance(11);
        breaker.OnPicked(0, Now);

        breaker.OnOutcome(0, false, Now);
        Assert.Equal(Now + FailTimeout, breaker.RetryAt(0, Now));
        Advance(5);
        Assert.Equal(CircuitState.Open, breaker.State(0, Now));

        Advance(5);
        breaker.OnPicked(0, Now);
        breaker.OnOutcome(0, true, Now);
        Assert.Equal(CircuitState.Closed, breaker.State(0, Now));
        Assert.Equal(0, breaker.Fails(0));
        Assert.Null(breaker.RetryAt(0, Now));
    }

    [Fact]
    public void Max_fails_zero_turns_the_breaker_off()
    {
        var breaker = new CircuitBreaker(1, maxFails: 0, FailTimeout);
        for (var i = 0; i < 100; i++) breaker.OnOutcome(0, false, Now);

        Assert.True(breaker.IsEligible(0, Now));
        Assert.Equal(100, breaker.Fails(0));
    }
}
