using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// Kong's <c>consistent-hashing</c>: the value of the request header named by <c>hash_on_header</c> is hashed onto a
/// ring of points, and the first point clockwise whose target is eligible wins. A target's points depend only on
/// its own identity and weight, so removing a target moves only the keys it owned. Without a key, smooth weighted
/// round-robin decides.
/// </summary>
public sealed class ConsistentHashing : IBalancer
{
    private readonly ulong[] _ring;
    private readonly int[] _owner;
    private readonly int[] _points;
    private readonly SmoothWeightedRoundRobin _fallback;

    public ConsistentHashing(IReadOnlyList<TargetSpec> targets, int slots)
    {
        _fallback = new SmoothWeightedRoundRobin(targets.Select(t => t.Weight).ToArray());
        _points = targets.Select(t => PointsFor(t.Weight, slots)).ToArray();
        var points = new List<(ulong Hash, int Owner)>();
        var seen = new Dictionary<string, int>();
        for (var i = 0; i < targets.Count; i++)
        {
            // identical targets are told apart by their occurrence, not their position
            var identity = $"{targets[i].Provider}|{targets[i].ModelName}|{targets[i].Options.UpstreamUrl}";
            var occurrence = seen[identity] = seen.GetValueOrDefault(identity) + 1;
            for (var p = 0; p < _points[i]; p++)
                points.Add((XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{identity}#{occurrence}#{p}")), i));
        }
        points.Sort((a, b) => a.Hash.CompareTo(b.Hash));
        _ring = points.Select(p => p.Hash).ToArray();
        _owner = points.Select(p => p.Owner).ToArray();
    }

    /// <summary>Points on the ring for one target: <c>slots × weight / 10 000</c>, so 100 for the defaults.</summary>
    public static int PointsFor(int weight, int slots) => (int)Math.Clamp((long)slots * weight / 10_000, 1, 100_000);

    public long Cursor { get; private set; }

    public int Pick(in PickContext context)
    {
        if (context.HashKey is null)
        {
            var fallback = _fallback.Pick(context.Eligible);
            if (fallback >= 0) Cursor++;
            return fallback;
        }
        var hash = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(context.HashKey.AsSpan()));
        var start = Array.BinarySearch(_ring, hash);
        if (start < 0) start = ~start;
        for (var step = 0; step < _ring.Length; step++)
        {
            var owner = _owner[(start + step) % _ring.Length];
            if (!context.Eligible[owner]) continue;
            Cursor++;
            return owner;
        }
        return -1;
    }

    public BalancerInputs Describe(int target, long nowMs) => new() { Weight = _fallback.Describe(target, nowMs).Weight, HashSlots = _points[target] };

    public BalancerCheckpoint Checkpoint() => _fallback.Checkpoint() with { Picks = Cursor };

    public void Restore(BalancerCheckpoint checkpoint)
    {
        _fallback.Restore(checkpoint);
        Cursor = checkpoint.Picks;
    }
}
