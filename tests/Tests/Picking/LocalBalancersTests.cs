using Actors.Api.Picking;
using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Picking;

public class LocalBalancersTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static ResolvedRoute Route(string revision, BalancerSpec balancer, params int[] weights)
    {
        var spec = new RouteSpec
        {
            Name = "r", Paths = ["/r"], Revision = revision, Balancer = balancer,
            Targets = weights.Select((w, i) => new TargetSpec { Provider = "openai", ModelName = $"m{i}", Weight = w }).ToArray(),
        };
        return new RouteTable(new GatewayConfig { Version = 1, Services = [new ServiceSpec { Routes = [spec] }] },
            ProviderRegistry.Default, _ => null).Find("r")!;
    }

    private static TargetOutcome Failure(ResolvedRoute route, int target) => new(route.Spec.Revision, target, false, 1, 0, 0);

    [Fact]
    public void Picks_with_the_routes_own_algorithm_over_its_weights()
    {
        var local = new LocalBalancers(_clock);
        var route = Route("a", new BalancerSpec(), 300, 100);

        var picks = Enumerable.Range(0, 100).Select(_ => local.Pick(route, 0, null)).ToArray();

        Assert.All(picks, p => Assert.Equal((PickStatus.Picked, "a"), (p.Status, p.Revision)));
        Assert.Equal(75, picks.Count(p => p.TargetIndex == 0));
        Assert.Equal([0, 0, 1, 0], picks.Take(4).Select(p => p.TargetIndex)); // smooth: interleaved, not 0,0,0,1
    }

    [Fact]
    public void Leaves_out_the_targets_this_request_already_tried_and_starts_over_when_none_is_left()
    {
        var local = new LocalBalancers(_clock);
        var route = Route("a", new BalancerSpec { MaxFails = 1 }, 100, 100);

        Assert.Equal(1, local.Pick(route, excluded: 0b01, null).TargetIndex);
        Assert.Equal(1, local.Pick(route, excluded: 0b01, null).TargetIndex);
        Assert.Equal(PickStatus.Picked, local.Pick(route, excluded: 0b11, null).Status);
        local.OnOutcome(route, Failure(route, 0));
        local.OnOutcome(route, Failure(route, 1));
        var none = local.Pick(route, excluded: 0b01, null);
        Assert.Equal((PickStatus.NoTarget, -1, "a"), (none.Status, none.TargetIndex, none.Revision));
    }

    [Fact]
    public void Local_outcomes_open_and_close_the_local_circuit()
    {
        var local = new LocalBalancers(_clock);
        var route = Route("a", new BalancerSpec { MaxFails = 2, FailTimeoutMs = 10_000 }, 100, 100);
        local.Pick(route, 0, null);
        local.OnOutcome(route, Failure(route, 0));
        local.OnOutcome(route, Failure(route, 0));

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(1, local.Pick(route, 0, null).TargetIndex));

        _clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(1, local.Pick(route, 0, null).TargetIndex)); // still open
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var afterTimeout = Enumerable.Range(0, 6).Select(_ => local.Pick(route, 0, null).TargetIndex).ToArray();
        Assert.Equal(1, afterTimeout.Count(t => t == 0)); // exactly one probe once fail_timeout has passed, none while it is in flight
        local.OnOutcome(route, Failure(route, 0) with { Success = true });
        Assert.Contains(0, Enumerable.Range(0, 2).Select(_ => local.Pick(route, 0, null).TargetIndex));
    }

    [Fact]
    public void A_changed_spec_gets_a_fresh_balancer_and_outcomes_of_the_old_one_are_dropped()
    {
        var local = new LocalBalancers(_clock);
        var before = Route("a", new BalancerSpec { MaxFails = 1 }, 100, 100);
        local.Pick(before, 0, null);
        var after = Route("b", new BalancerSpec { MaxFails = 1 }, 100, 100, 100);

        local.OnOutcome(after, Failure(before, 0)); // a late outcome of revision "a"
        var picks = Enumerable.Range(0, 3).Select(_ => local.Pick(after, 0, null)).ToArray();

        Assert.All(picks, p => Assert.Equal("b", p.Revision));
        Assert.Equal([0, 1, 2], picks.Select(p => p.TargetIndex).Order());
    }
}
