using Actors.Grains.Interfaces.Routes;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// Kong's <c>least-connections</c> (3.13+): the target with the most spare capacity, that is the lowest
/// <c>(in flight + 1) / weight</c> (the <c>+ 1</c>, as in Kong's balancer, lets the heavier target go first when all
/// are idle); ties go to the first eligible target after the last one picked. In flight means picked and no outcome
/// reported yet. The route grain sees every pick and outcome in the cluster, so the counts are cluster-wide.
/// </summary>
/// <remarks>
/// A pick whose outcome never arrives (its API node died, the pick's answer was lost and picked again, the node could
/// not forward to the target) must not count for ever: each pick's time is kept, and a pick older than
/// <c>lifetime</c> stops counting. An outcome retires the oldest pick of its target still counting; an outcome with
/// none left (its pick had expired) changes nothing.
/// </remarks>
public sealed class LeastConnections : IBalancer
{
    private readonly int[] _weights;
    private readonly Queue<long>[] _picked; // per target: pick times (ms) still in flight, oldest first
    private readonly long _lifetimeMs;
    private int _next;

    /// <param name="lifetime">How long a pick counts as in flight without an outcome.</param>
    public LeastConnections(IReadOnlyList<int> weights, TimeSpan lifetime)
    {
        _weights = weights.Select(w => Math.Max(1, w)).ToArray();
        _picked = weights.Select(_ => new Queue<long>()).ToArray();
        _lifetimeMs = Math.Max(1, (long)lifetime.TotalMilliseconds);
    }

    public long Cursor { get; private set; }

    public int Pick(in PickContext context)
    {
        var eligible = context.Eligible;
        var best = -1;
        for (var k = 0; k < _weights.Length; k++)
        {
            var i = (_next + k) % _weights.Length;
            if (!eligible[i]) continue;
            Expire(i, context.NowMs);
            if (best < 0 || Busier(best, i)) best = i;
        }
        if (best < 0) return -1;
        _picked[best].Enqueue(context.NowMs);
        _next = (best + 1) % _weights.Length;
        Cursor++;
        return best;
    }

    /// <summary>Whether <paramref name="a"/> has less spare capacity than <paramref name="b"/>: (a+1)/wa &gt; (b+1)/wb.</summary>
    private bool Busier(int a, int b) =>
        (_picked[a].Count + 1L) * _weights[b] > (_picked[b].Count + 1L) * _weights[a];

    public void OnOutcome(int target, in OutcomeSample sample)
    {
        Expire(target, sample.NowMs);
        _picked[target].TryDequeue(out _);
    }

    private void Expire(int target, long nowMs)
    {
        var picked = _picked[target];
        while (picked.TryPeek(out var at) && nowMs - at >= _lifetimeMs) picked.Dequeue();
    }

    /// <summary>Requests in flight on <paramref name="target"/> at <paramref name="nowMs"/>.</summary>
    public int InFlight(int target, long nowMs)
    {
        Expire(target, nowMs);
        return _picked[target].Count;
    }

    public BalancerInputs Describe(int target, long nowMs) => new() { Weight = _weights[target], InFlight = InFlight(target, nowMs) };

    public BalancerCheckpoint Checkpoint() => new() { Picks = Cursor };

    /// <remarks>Requests in flight are not restored: after a move their outcomes arrive at a grain that never saw their picks.</remarks>
    public void Restore(BalancerCheckpoint checkpoint) => Cursor = checkpoint.Picks;
}
