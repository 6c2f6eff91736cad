using Actors.Grains.Health;

namespace Actors.Tests.Health;

public class CircuitBreakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_failures_in_total_a_success_inside_fail_timeout_does_not_reset_them()
    {
        var breaker = new CircuitBreaker(2, maxFails: 3, TimeSpan.FromSeconds(10));

        breaker.OnOutcome(0, false, T0);
        breaker.OnOutcome(0, false, T0.AddSeconds(1));
        breaker.OnPicked(0, T0.AddSeconds(2));
        breaker.OnOutcome(0, true, T0.AddSeconds(2));   // Kong: "2 failed, then 1 success within the window keeps the counter at 2"
        Assert.Equal(2, breaker.Fails(0));
        Assert.Equal(CircuitState.Closed, breaker.State(0, T0.AddSeconds(2)));
        breaker.OnOutcome(0, false, T0.AddSeconds(3));

        Assert.Equal(CircuitState.Open, breaker.State(0, T0.AddSeconds(3)));
        Assert.False(breaker.IsEligible(0, T0.AddSeconds(12)));
        Assert.Equal(T0.AddSeconds(13), breaker.RetryAt(0, T0.AddSeconds(3)));
        Assert.True(breaker.IsEligible(1, T0));
    }

    [Fact]
    public void A_success_picked_after_fail_timeout_since_the_last_failure_resets_the_count()
    {
        var breaker = new CircuitBreaker(1, maxFails: 3, TimeSpan.FromSeconds(10));
        breaker.OnOutcome(0, false, T0);
        breaker.OnOutcome(0, false, T0);

        var later = T0.AddSeconds(10);
        breaker.OnPicked(0, later);
        breaker.OnOutcome(0, true, later.AddSeconds(1));

        Assert.Equal(0, breaker.Fails(0));
        breaker.OnOutcome(0, false, later.AddSeconds(2));
        breaker.OnOutcome(0, false, later.AddSeconds(2));
        Assert.Equal(CircuitState.Closed, breaker.State(0, later.AddSeconds(2)));
    }

    [Fact]
    public void After_fail_timeout_exactly_one_probe_goes_through()
    {
        var breaker = new CircuitBreaker(1, maxFails: 1, TimeSpan.FromSeconds(10));
        breaker.OnOutcome(0, false, T0);
        var later = T0.AddSeconds(10);

        Assert.Equal(CircuitState.HalfOpen, breaker.State(0, later));
        Assert.True(breaker.IsEligible(0, later));
        breaker.OnPicked(0, later);
        Assert.False(breaker.IsEligible(0, later.AddSeconds(1)));     // the probe is in flight
        Assert.True(breaker.IsEligible(0, later.AddSeconds(10)));     // its outcome never came: try again
    }

    [Fact]
    public void A_failed_probe_reopens_and_a_successful_one_closes()
    {
        var breaker = new CircuitBreaker(1, maxFails: 2, TimeSpan.FromSeconds(10));
        breaker.OnOutcome(0, false, T0);
        breaker.OnOutcome(0, false, T0);
        var probe = T0.AddSeconds(11);
        breaker.OnPicked(0, probe);

        breaker.OnOutcome(0, false, probe);
        Assert.Equal(CircuitState.Open, breaker.State(0, probe.AddSeconds(5)));
        Assert.Equal(probe.AddSeconds(10), breaker.RetryAt(0, probe));

        var second = probe.AddSeconds(10);
        breaker.OnPicked(0, second);
        breaker.OnOutcome(0, true, second);
        Assert.Equal(CircuitState.Closed, breaker.State(0, second));
        Assert.Equal(0, breaker.Fails(0));
        Assert.Null(breaker.RetryAt(0, second));
    }

    [Fact]
    public void Max_fails_zero_turns_the_breaker_off()
    {
        var breaker = new CircuitBreaker(1, maxFails: 0, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 100; i++) breaker.OnOutcome(0, false, T0);

        Assert.True(breaker.IsEligible(0, T0));
        Assert.Equal(100, breaker.Fails(0));
    }
}
