using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.LoadBalancing;

namespace Actors.Tests.Grains.LoadBalancing;

public class LeastConnectionsTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(180);
    private static OutcomeSample Done(long nowMs) => new(true, 10, 1, 1, nowMs);

    [Fact]
    public void Equal_weights_and_nothing_in_flight_rotate()
    {
        var balancer = new LeastConnections([100, 100, 100], Lifetime);
        var picks = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var pick = balancer.Pick(new PickContext([true, true, true], nowMs: i));
            picks.Add(pick);
            balancer.OnOutcome(pick, Done(i));
        }
        Assert.Equal([0, 1, 2, 0, 1, 2], picks);
    }

    [Fact]
    public void Concurrent_picks_fill_targets_in_proportion_to_weight()
    {
        var balancer = new LeastConnections([300, 100], Lifetime);
        var counts = new int[2];
        for (var i = 0; i < 8; i++) counts[balancer.Pick(new PickContext([true, true], nowMs: 0))]++;
        Assert.Equal([6, 2], counts);
        Assert.Equal(6, balancer.InFlight(0, 0));
        Assert.Equal(2, balancer.InFlight(1, 0));
    }

    [Fact]
    public void A_target_whose_requests_finish_gets_the_next_ones()
    {
        var balancer = new LeastConnections([100, 100], Lifetime);
        var first = balancer.Pick(new PickContext([true, true], nowMs: 0));
        var second = balancer.Pick(new PickContext([true, true], nowMs: 0));
        Assert.NotEqual(first, second);
        // the second target's request ends; the first one's is still running (a long stream)
        balancer.OnOutcome(second, Done(1));
        Assert.Equal(second, balancer.Pick(new PickContext([true, true], nowMs: 2)));
        balancer.OnOutcome(second, Done(3));
        Assert.Equal(second, balancer.Pick(new PickContext([true, true], nowMs: 4)));
    }

    [Fact]
    public void Ineligible_targets_are_skipped_and_none_eligible_gives_minus_one()
    {
        var balancer = new LeastConnections([100, 100], Lifetime);
        Assert.Equal(1, balancer.Pick(new PickContext([false, true], nowMs: 0)));
        Assert.Equal(1, balancer.Pick(new PickContext([false, true], nowMs: 0)));
        Assert.Equal(-1, balancer.Pick(new PickContext([false, false], nowMs: 0)));
        Assert.Equal(2, balancer.Cursor);
    }

    [Fact]
    public void A_pick_whose_outcome_never_arrives_stops_counting_after_its_lifetime()
    {
        var balancer = new LeastConnections([100, 100], TimeSpan.FromSeconds(10));
        // an API node picks target 0 five times and dies: no outcome ever comes back
        for (var i = 0; i < 5; i++) balancer.Pick(new PickContext([true, false], nowMs: 0));
        Assert.Equal(5, balancer.InFlight(0, 9_999));
        var before = balancer.Pick(new PickContext([true, true], nowMs: 9_999));
        Assert.Equal(1, before);
        Assert.Equal(0, balancer.InFlight(0, 10_000));
        Assert.Equal(1, balancer.InFlight(1, 10_000));
        Assert.Equal(0, balancer.Pick(new PickContext([true, true], nowMs: 10_000)));
    }

    [Fact]
    public void An_outcome_for_an_expired_or_unknown_pick_changes_nothing()
    {
        var balancer = new LeastConnections([100, 100], TimeSpan.FromSeconds(10));
        balancer.OnOutcome(0, Done(0)); // e.g. the grain moved: the pick was made by the previous activation
        Assert.Equal(0, balancer.InFlight(0, 0));
        balancer.Pick(new PickContext([true, false], nowMs: 0));
        balancer.Pick(new PickContext([true, false], nowMs: 20_000));
        balancer.OnOutcome(0, Done(20_001)); // the first pick had expired: this retires the second one
        Assert.Equal(0, balancer.InFlight(0, 20_001));
    }

    [Fact]
    public void The_factory_builds_it_with_the_routes_timeouts_as_lifetime()
    {
        var spec = new RouteSpec
        {
            Name = "r",
            Balancer = new BalancerSpec { Algorithm = BalancerAlgorithms.LeastConnections, ConnectTimeoutMs = 1000, WriteTimeoutMs = 2000, ReadTimeoutMs = 3000 },
            Targets = [new TargetSpec { Provider = "openai", ModelName = "a" }, new TargetSpec { Provider = "openai", ModelName = "b" }],
        };
        var balancer = Assert.IsType<LeastConnections>(BalancerFactory.Create(spec));
        Assert.Equal(TimeSpan.FromSeconds(6), BalancerFactory.InFlightLifetime(spec.Balancer));
        balancer.Pick(new PickContext([true, true], nowMs: 0));
        Assert.Equal(1, balancer.InFlight(0, 5_999));
        Assert.Equal(0, balancer.InFlight(0, 6_000));
        Assert.Equal(100, balancer.Describe(1, 0).Weight);
    }
}
