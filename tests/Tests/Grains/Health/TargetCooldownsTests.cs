using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Actors.Grains.LoadBalancing;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Grains.Health;

/// <summary>A rate-limited target is left out of the rotation for the time its provider named, on a clock the test moves.</summary>
public sealed class TargetCooldownsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    private static GuardedBalancer Balancer(int targets, int maxFails = 0) => new(new RouteSpec
    {
        Name = "r", Paths = ["/r"], Revision = "v1",
        Balancer = new BalancerSpec { MaxFails = maxFails, FailTimeoutMs = 10_000 },
        Targets = Enumerable.Range(0, targets).Select(i => new TargetSpec { Provider = "openai", ModelName = $"m{i}" }).ToArray(),
    });

    private static OutcomeSample Sample(bool success) => new(success, 5, 0, 0, 0);

    private int[] Picks(GuardedBalancer balancer, int count) =>
        Enumerable.Range(0, count).Select(_ => balancer.Choose(0, null, _clock.GetUtcNow(), "v1").TargetIndex).ToArray();

    [Fact]
    public void A_cooling_target_gets_nothing_until_its_time_has_passed_then_rejoins_the_rotation()
    {
        var balancer = Balancer(2);
        balancer.OnOutcome(0, Sample(false), _clock.GetUtcNow(), TimeSpan.FromSeconds(6));

        Assert.Equal([1, 1, 1, 1], Picks(balancer, 4));
        _clock.Advance(TimeSpan.FromMilliseconds(5_999));
        Assert.Equal([1, 1], Picks(balancer, 2));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Contains(0, Picks(balancer, 2));
    }

    [Fact]
    public void Every_target_cooling_answers_cooling_with_the_earliest_end()
    {
        var balancer = Balancer(2);
        balancer.OnOutcome(0, Sample(false), _clock.GetUtcNow(), TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(1));
        balancer.OnOutcome(1, Sample(false), _clock.GetUtcNow(), TimeSpan.FromSeconds(6));

        var pick = balancer.Choose(0, null, _clock.GetUtcNow(), "v1");

        Assert.Equal(PickStatus.Cooling, pick.Status);
        Assert.Equal(6_000, pick.RetryAfterMs);
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal((PickStatus.Picked, 1), (balancer.Choose(0, null, _clock.GetUtcNow(), "v1") is var next ? (next.Status, next.TargetIndex) : default));
    }

    [Fact]
    public void A_cooldown_is_not_a_circuit_failure()
    {
        var balancer = Balancer(2, maxFails: 1);
        balancer.OnOutcome(0, Sample(false), _clock.GetUtcNow(), TimeSpan.FromSeconds(2));
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, balancer.Breaker.Fails(0));
        Assert.Contains(0, Picks(balancer, 2));
        // the same failure without a cooldown opens the circuit (max_fails 1)
        balancer.OnOutcome(0, Sample(false), _clock.GetUtcNow());
        Assert.Equal([1, 1], Picks(balancer, 2));
    }

    [Fact]
    public void Open_circuits_alone_are_no_target_not_cooling_and_a_later_end_is_kept()
    {
        var balancer = Balancer(1, maxFails: 1);
        balancer.OnOutcome(0, Sample(false), _clock.GetUtcNow());
        Assert.Equal(PickStatus.NoTarget, balancer.Choose(0, null, _clock.GetUtcNow(), "v1").Status);

        var cooldowns = balancer.Cooldowns;
        cooldowns.Start(0, TimeSpan.FromSeconds(10), _clock.GetUtcNow());
        cooldowns.Start(0, TimeSpan.FromSeconds(3), _clock.GetUtcNow());
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(10), cooldowns.Until(0, _clock.GetUtcNow()));
    }
}
