using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Tests.Grains.Routes;

[Collection(ClusterCollection.Name)]
public class RouteGrainTests(ClusterFixture fixture)
{
    private static RouteSpec Spec(string name, string revision, params (string Model, int Weight)[] targets) => new()
    {
        Name = name,
        Paths = ["/" + name],
        Revision = revision,
        Targets = targets.Select(t => new TargetSpec { Provider = "openai", ModelName = t.Model, Weight = t.Weight }).ToArray(),
    };

    private IRouteGrain Grain(string name) => fixture.Client.GetGrain<IRouteGrain>(name);

    [Fact]
    public async Task Picks_rotate_over_the_targets_and_are_counted()
    {
        var grain = Grain("rotate");
        await grain.Configure(Spec("rotate", "r1", ("a", 100), ("b", 100)));

        var picks = new List<int>();
        for (var i = 0; i < 6; i++) picks.Add((await grain.Pick(0, null)).TargetIndex);

        Assert.Equal([0, 1, 0, 1, 0, 1], picks);
        var state = await grain.GetState();
        Assert.Equal("round-robin", state.Algorithm);
        Assert.Equal(6, state.Cursor);
        Assert.Equal([3L, 3L], state.Targets.Select(t => t.Picks));
        Assert.Equal(["a", "b"], state.Targets.Select(t => t.Model));
        Assert.StartsWith("S127.0.0.1:", state.Silo);
    }

    [Fact]
    public async Task Reports_update_counters_and_stale_reports_are_dropped()
    {
        var grain = Grain("report");
        await grain.Configure(Spec("report", "r1", ("a", 100), ("b", 100)));

        await grain.Report([new TargetOutcome("r1", 1, true, 12, 14, 385)]);
        await grain.Report([new TargetOutcome("r1", 1, false, 8, 0, 0)]);
        await grain.Report([new TargetOutcome("old", 0, true, 1, 1000, 1000)]);
        await grain.Report([new TargetOutcome("r1", 9, true, 1, 1000, 1000)]);

        var state = await WaitFor(grain, s => s.Targets[1].Failures == 1);
        Assert.Equal(1, state.Targets[1].Successes);
        Assert.Equal(14, state.Targets[1].PromptTokens);
        Assert.Equal(385, state.Targets[1].CompletionTokens);
        Assert.Equal(399, state.Targets[1].TotalTokens);
        Assert.Equal(10, state.Targets[1].AverageLatencyMs);
        Assert.Equal(0, state.Targets[0].Successes + state.Targets[0].PromptTokens);
    }

    [Fact]
    public async Task Reconfiguring_with_the_same_revision_keeps_the_rotation_and_a_new_one_resets_it()
    {
        var grain = Grain("reconfigure");
        await grain.Configure(Spec("reconfigure", "r1", ("a", 100), ("b", 100)));
        await grain.Pick(0, null);

        await grain.Configure(Spec("reconfigure", "r1", ("a", 100), ("b", 100)));
        Assert.Equal(1, (await grain.Pick(0, null)).TargetIndex);

        await grain.Configure(Spec("reconfigure", "r2", ("c", 100), ("d", 100), ("e", 100)));
        var pick = await grain.Pick(0, null);
        Assert.Equal((0, "r2"), (pick.TargetIndex, pick.Revision));
        Assert.Equal(3, (await grain.GetState()).Targets.Count);
    }

    [Fact]
    public async Task A_removed_or_unknown_route_is_not_configured()
    {
        var grain = Grain("removed");
        await grain.Configure(Spec("removed", "r1", ("a", 100)));
        await grain.Remove();

        Assert.Equal(PickStatus.NotConfigured, (await grain.Pick(0, null)).Status);
        Assert.Equal(PickStatus.NotConfigured, (await Grain("never-configured").Pick(0, null)).Status);
    }

    [Fact]
    public async Task The_rotation_survives_deactivation_through_its_checkpoint()
    {
        var grain = Grain("checkpoint");
        await grain.Configure(Spec("checkpoint", "r1", ("a", 3), ("b", 1)));
        var before = new List<int>();
        for (var i = 0; i < 5; i++) before.Add((await grain.Pick(0, null)).TargetIndex);

        await fixture.Cluster.DeactivateAsync(grain);
        await fixture.Cluster.WaitForDeactivationAsync(grain);

        var after = new List<int>();
        for (var i = 0; i < 3; i++) after.Add((await grain.Pick(0, null)).TargetIndex);
        // 3:1 smooth order is a a b a | a a b a: the rotation resumes at its sixth pick
        Assert.Equal([0, 0, 1, 0, 0], before);
        Assert.Equal([0, 1, 0], after);
        Assert.Equal(8, (await grain.GetState()).Cursor);
    }

    [Fact]
    public async Task Applying_a_config_configures_its_routes_and_removes_the_others()
    {
        var config = fixture.Client.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey);
        var first = await config.Apply(new GatewayConfig { Services = [new ServiceSpec { Routes = [Spec("cfg-a", "a1", ("m", 1)), Spec("cfg-b", "b1", ("m", 1))] }] }, 0);
        var second = await config.Apply(new GatewayConfig { Services = [new ServiceSpec { Routes = [Spec("cfg-a", "a2", ("m", 1), ("n", 1))] }] }, 0);

        Assert.Equal(first.Version + 1, second.Version);
        Assert.Equal(second.Version, (await config.GetStamp()).Version);
        Assert.Equal("a2", (await Grain("cfg-a").Pick(0, null)).Revision);
        Assert.Equal(PickStatus.NotConfigured, (await Grain("cfg-b").Pick(0, null)).Status);
        Assert.Equal(["cfg-a"], (await config.Get()).Routes.Select(r => r.Name));
    }

    [Fact]
    public async Task Excluded_targets_are_skipped_and_with_none_left_the_pick_starts_over_among_all()
    {
        var grain = Grain("exclude");
        await grain.Configure(Spec("exclude", "r1", ("a", 100), ("b", 100), ("c", 100)));

        Assert.Equal(1, (await grain.Pick(0b001, null)).TargetIndex);
        Assert.Equal(2, (await grain.Pick(0b011, null)).TargetIndex);
        // every target tried: as Kong's balancer, retries go round again
        var again = await grain.Pick(0b111, null);
        Assert.Equal(PickStatus.Picked, again.Status);
        Assert.InRange(again.TargetIndex, 0, 2);
    }

    [Fact]
    public async Task Reported_failures_open_the_circuit_for_every_caller()
    {
        var grain = Grain("breaker");
        await grain.Configure(Spec("breaker", "r1", ("a", 100), ("b", 100)) with
        {
            Balancer = new BalancerSpec { MaxFails = 2, FailTimeoutMs = 60_000 },
        });

        await grain.Report([new TargetOutcome("r1", 0, false, 5, 0, 0)]);
        await grain.Report([new TargetOutcome("r1", 0, false, 5, 0, 0)]);
        var state = await WaitFor(grain, s => s.Targets[0].Circuit == "open");

        Assert.False(state.Targets[0].Healthy);
        Assert.Equal(2, state.Targets[0].CircuitFails);
        Assert.NotNull(state.Targets[0].RetryAt);
        // a second client of the same grain sees the same circuit: even a request that already tried the other
        // target goes back to it rather than to the open one
        var other = fixture.Cluster.Client.GetGrain<IRouteGrain>("breaker");
        for (var i = 0; i < 4; i++) Assert.Equal(1, (await other.Pick(0, null)).TargetIndex);
        Assert.Equal(1, (await other.Pick(0b10, null)).TargetIndex);
        await other.Report([new TargetOutcome("r1", 1, false, 5, 0, 0)]);
        await other.Report([new TargetOutcome("r1", 1, false, 5, 0, 0)]);
        await WaitFor(grain, s => s.Targets[1].Circuit == "open");
        Assert.Equal(PickStatus.NoTarget, (await other.Pick(0, null)).Status);
    }

    [Fact]
    public async Task Least_connections_counts_in_flight_requests_of_every_caller()
    {
        var grain = Grain("least");
        var spec = Spec("least", "r1", ("a", 100), ("b", 100)) with { Balancer = new BalancerSpec { Algorithm = BalancerAlgorithms.LeastConnections } };
        await grain.Configure(spec);
        // two API nodes: each holds one request open on a different target, as the grain spread them
        var other = fixture.Cluster.Client.GetGrain<IRouteGrain>("least");
        var first = (await grain.Pick(0, null)).TargetIndex;
        var second = (await other.Pick(0, null)).TargetIndex;
        Assert.NotEqual(first, second);
        // the second node's request ends: the next pick from either node goes to the target it freed
        await other.Report([new TargetOutcome("r1", second, true, 5, 1, 1)]);
        var state = await WaitFor(grain, s => s.Targets[second].Successes == 1);
        Assert.Equal(1, state.Targets[first].Inputs.InFlight);
        Assert.Equal(0, state.Targets[second].Inputs.InFlight);
        Assert.Equal(second, (await grain.Pick(0, null)).TargetIndex);
        Assert.Equal("least-connections", state.Algorithm);
    }

    private static async Task<RouteBalancerState> WaitFor(IRouteGrain grain, Func<RouteBalancerState, bool> condition)
    {
        // Reports are one-way messages: give them a moment to land.
        for (var i = 0; ; i++)
        {
            var state = await grain.GetState();
            if (condition(state) || i == 100) return state;
            await Task.Delay(50);
        }
    }
}
