using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.LoadBalancing;

namespace Actors.Tests.Grains.LoadBalancing;

public class LowestLatencyTests
{
    private static readonly bool[] All3 = [true, true, true];

    [Fact]
    public void New_targets_are_tried_first_then_the_fastest_wins_while_slower_ones_keep_a_trickle()
    {
        var balancer = new LowestLatency(3, LatencyStrategies.EndToEnd);
        double[] latency = [100, 10, 50];
        var first = new List<int>();
        var counts = new int[3];
        for (var i = 0; i < 1000; i++)
        {
            var pick = balancer.Pick(new PickContext(All3));
            if (i < 3) first.Add(pick);
            counts[pick]++;
            balancer.OnOutcome(pick, new OutcomeSample(true, latency[pick], 10, 10, i));
        }

        Assert.Equal([0, 1, 2], first);
        Assert.InRange(counts[1], 940, 1000);                 // the fast target
        Assert.InRange(counts[0] + counts[2], 2, 60);          // re-probes: at most 1 pick in 20
        Assert.True(counts[0] > 1 && counts[2] > 1, "every slower target keeps being probed");
    }

    [Fact]
    public void A_slow_target_that_gets_faster_is_noticed_through_its_probes()
    {
        var balancer = new LowestLatency(2, LatencyStrategies.EndToEnd);
        double[] latency = [100, 20];
        for (var i = 0; i < 200; i++)
        {
            var pick = balancer.Pick(new PickContext([true, true]));
            balancer.OnOutcome(pick, new OutcomeSample(true, latency[pick], 1, 1, i));
        }
        latency[0] = 5;
        var late = new int[2];
        for (var i = 0; i < 400; i++)
        {
            var pick = balancer.Pick(new PickContext([true, true]));
            if (i >= 200) late[pick]++;
            balancer.OnOutcome(pick, new OutcomeSample(true, latency[pick], 1, 1, i));
        }

        Assert.True(late[0] > 180, $"target 0 got {late[0]} of the last 200 picks");
    }

    [Fact]
    public void Tpot_divides_by_output_tokens()
    {
        var balancer = new LowestLatency(2, LatencyStrategies.TimePerOutputToken);
        balancer.Pick(new PickContext([true, true]));
        balancer.Pick(new PickContext([true, true]));
        // target 0: 1000 ms for 500 tokens (2 ms/token); target 1: 300 ms for 50 tokens (6 ms/token)
        balancer.OnOutcome(0, new OutcomeSample(true, 1000, 10, 500, 0));
        balancer.OnOutcome(1, new OutcomeSample(true, 300, 10, 50, 0));

        Assert.Equal(2, balancer.Describe(0, 0).LatencyAverageMs);
        Assert.Equal(0, balancer.Pick(new PickContext([true, true])));
    }
}

public class LowestUsageTests
{
    private static TargetSpec Target(double inputCost = 0, double outputCost = 0) =>
        new() { Provider = "openai", ModelName = "m", Options = new ModelOptions { InputCost = inputCost, OutputCost = outputCost } };

    [Fact]
    public void The_target_with_the_fewest_tokens_in_the_window_is_picked()
    {
        var balancer = new LowestUsage([Target(), Target()], TokensCountStrategies.Total);
        balancer.Pick(new PickContext([true, true], null, 1_000));
        balancer.OnOutcome(0, new OutcomeSample(true, 1, 500, 500, 1_000));

        Assert.Equal(1, balancer.Pick(new PickContext([true, true], null, 2_000)));
        balancer.OnOutcome(1, new OutcomeSample(true, 1, 100, 100, 2_000));
        Assert.Equal(1, balancer.Pick(new PickContext([true, true], null, 3_000)));
        Assert.Equal(1000, balancer.Describe(0, 3_000).WindowUsage);
    }

    [Fact]
    public void Usage_leaves_the_window_after_a_minute()
    {
        var balancer = new LowestUsage([Target(), Target()], TokensCountStrategies.Total);
        balancer.Pick(new PickContext([true, true], null, 0));
        balancer.OnOutcome(0, new OutcomeSample(true, 1, 500, 500, 0));
        balancer.Pick(new PickContext([true, true], null, 30_000));
        balancer.OnOutcome(1, new OutcomeSample(true, 1, 10, 10, 30_000));

        Assert.Equal(1000, balancer.Describe(0, 59_000).WindowUsage);
        Assert.Equal(0, balancer.Describe(0, 61_000).WindowUsage);
        Assert.Equal(0, balancer.Pick(new PickContext([true, true], null, 61_000)));
    }

    [Fact]
    public void Concurrent_picks_are_spread_by_their_expected_usage()
    {
        var balancer = new LowestUsage([Target(), Target()], TokensCountStrategies.Total);
        var picks = Enumerable.Range(0, 10).Select(_ => balancer.Pick(new PickContext([true, true], null, 0))).ToList();

        Assert.Equal(5, picks.Count(p => p == 0));
    }

    [Fact]
    public void Cost_weighs_prompt_and_completion_tokens_by_their_price()
    {
        // target 0 is cheap on input, dear on output; target 1 the other way round
        var balancer = new LowestUsage([Target(1, 30), Target(30, 1)], TokensCountStrategies.Cost);
        balancer.Pick(new PickContext([true, true], null, 0));
        balancer.Pick(new PickContext([true, true], null, 0));
        balancer.OnOutcome(0, new OutcomeSample(true, 1, 1000, 1000, 0));  // 0.031
        balancer.OnOutcome(1, new OutcomeSample(true, 1, 1000, 100, 0));   // 0.0301

        Assert.Equal(1, balancer.Pick(new PickContext([true, true], null, 0)));
        Assert.Equal(0.031, balancer.Describe(0, 0).WindowUsage);
    }
}

public class ConsistentHashingTests
{
    private static TargetSpec Target(string model, int weight = 100) => new() { Provider = "openai", ModelName = model, Weight = weight };

    private static readonly string[] Keys = Enumerable.Range(0, 1000).Select(i => $"user-{i}").ToArray();

    private static Dictionary<string, string> Map(IReadOnlyList<TargetSpec> targets, bool[]? eligible = null)
    {
        var balancer = new ConsistentHashing(targets, 10_000);
        eligible ??= Enumerable.Repeat(true, targets.Count).ToArray();
        return Keys.ToDictionary(k => k, k => targets[balancer.Pick(new PickContext(eligible, k))].ModelName);
    }

    [Fact]
    public void The_same_key_always_lands_on_the_same_target_and_keys_spread()
    {
        TargetSpec[] targets = [Target("a"), Target("b"), Target("c"), Target("d")];

        var first = Map(targets);
        var second = Map(targets);

        Assert.Equal(first, second);
        Assert.All(first.GroupBy(p => p.Value), g => Assert.InRange(g.Count(), 150, 350));
    }

    [Fact]
    public void Removing_a_target_moves_only_its_own_keys()
    {
        var before = Map([Target("a"), Target("b"), Target("c"), Target("d")]);
        var after = Map([Target("a"), Target("b"), Target("d")]);

        var moved = Keys.Where(k => before[k] != after[k]).ToList();
        Assert.All(moved, k => Assert.Equal("c", before[k]));
        Assert.Equal(before.Count(p => p.Value == "c"), moved.Count);
        Assert.True(moved.Count <= Keys.Length / 4 + 100, $"{moved.Count} keys moved");
    }

    [Fact]
    public void An_unhealthy_targets_keys_go_elsewhere_and_come_back()
    {
        TargetSpec[] targets = [Target("a"), Target("b"), Target("c")];
        var healthy = Map(targets);
        var degraded = Map(targets, [true, false, true]);

        Assert.DoesNotContain("b", degraded.Values);
        Assert.All(Keys.Where(k => healthy[k] != "b"), k => Assert.Equal(healthy[k], degraded[k]));
        Assert.Equal(healthy, Map(targets));
    }

    [Fact]
    public void Weight_sets_the_points_owned_and_no_key_falls_back_to_round_robin()
    {
        var balancer = new ConsistentHashing([Target("a", 300), Target("b", 100)], 10_000);

        Assert.Equal(300, balancer.Describe(0, 0).HashSlots);
        Assert.Equal(100, balancer.Describe(1, 0).HashSlots);
        var picks = Enumerable.Range(0, 8).Select(_ => balancer.Pick(new PickContext(new[] { true, true }))).ToList();
        Assert.Equal([0, 0, 1, 0, 0, 0, 1, 0], picks);
    }
}

public class PriorityTests
{
    [Fact]
    public void The_highest_weight_group_takes_all_traffic_in_rotation_and_the_next_only_when_it_is_down()
    {
        var balancer = new Priority([10, 10, 5, 1]);
        int[] Picks(bool[] eligible, int n) => Enumerable.Range(0, n).Select(_ => balancer.Pick(new PickContext(eligible))).ToArray();

        Assert.Equal([0, 1, 0, 1], Picks([true, true, true, true], 4));
        Assert.Equal([1, 1], Picks([false, true, true, true], 2));
        Assert.Equal([2, 2], Picks([false, false, true, true], 2));
        Assert.Equal([3], Picks([false, false, false, true], 1));
        Assert.Equal([-1], Picks([false, false, false, false], 1));
        Assert.Equal([0, 1], Picks([true, true, true, true], 2).Order().ToArray());
        Assert.Equal(0, balancer.Describe(1, 0).PriorityGroup);
        Assert.Equal(2, balancer.Describe(3, 0).PriorityGroup);
    }
}
