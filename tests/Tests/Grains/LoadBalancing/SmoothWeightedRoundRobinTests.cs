using Actors.Grains.LoadBalancing;

namespace Actors.Tests.Grains.LoadBalancing;

public class SmoothWeightedRoundRobinTests
{
    private static int[] Picks(IBalancer balancer, int count, bool[]? eligible = null)
    {
        eligible ??= Enumerable.Repeat(true, 8).ToArray();
        return Enumerable.Range(0, count).Select(_ => balancer.Pick(new PickContext(eligible))).ToArray();
    }

    [Fact]
    public void Equal_weights_alternate()
    {
        var balancer = new SmoothWeightedRoundRobin([100, 100]);

        Assert.Equal([0, 1, 0, 1, 0, 1], Picks(balancer, 6, [true, true]));
        Assert.Equal(6, balancer.Cursor);
    }

    [Fact]
    public void Weights_three_to_one_give_exactly_75_25_per_hundred_interleaved()
    {
        var balancer = new SmoothWeightedRoundRobin([3, 1]);

        var picks = Picks(balancer, 100, [true, true]);

        Assert.Equal(75, picks.Count(p => p == 0));
        Assert.Equal(25, picks.Count(p => p == 1));
        // every window of four holds exactly one pick of the light target
        for (var i = 0; i + 4 <= picks.Length; i += 4) Assert.Equal(1, picks.Skip(i).Take(4).Count(p => p == 1));
    }

    [Fact]
    public void Weights_two_to_one_never_run_three_in_a_row()
    {
        var picks = Picks(new SmoothWeightedRoundRobin([2, 1]), 30, [true, true]);

        Assert.Equal([0, 1, 0], picks.Take(3));
        for (var i = 0; i + 3 <= picks.Length; i++) Assert.False(picks[i] == picks[i + 1] && picks[i + 1] == picks[i + 2]);
    }

    [Fact]
    public void Ineligible_targets_are_skipped_and_none_eligible_gives_minus_one()
    {
        var balancer = new SmoothWeightedRoundRobin([100, 100, 100]);

        Assert.All(Picks(balancer, 5, [true, false, true]), p => Assert.NotEqual(1, p));
        Assert.Equal(-1, balancer.Pick([false, false, false]));
    }

    [Fact]
    public void A_restored_checkpoint_continues_the_rotation()
    {
        var first = new SmoothWeightedRoundRobin([5, 3, 2]);
        Picks(first, 7, [true, true, true]);
        var restored = new SmoothWeightedRoundRobin([5, 3, 2]);

        restored.Restore(first.Checkpoint());

        Assert.Equal(Picks(first, 20, [true, true, true]), Picks(restored, 20, [true, true, true]));
        Assert.Equal(first.Cursor, restored.Cursor);
    }

    [Fact]
    public void A_checkpoint_of_another_target_list_is_ignored()
    {
        var other = new SmoothWeightedRoundRobin([1, 1, 1]);
        Picks(other, 2, [true, true, true]);
        var balancer = new SmoothWeightedRoundRobin([1, 1]);

        balancer.Restore(other.Checkpoint());

        Assert.Equal(0, balancer.Cursor);
        Assert.Equal([0, 1], Picks(balancer, 2, [true, true]));
    }
}
