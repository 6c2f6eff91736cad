using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// Kong's <c>priority</c>: targets with the same weight form a group, and the group with the highest weight takes
/// all the traffic, in rotation. The next group gets requests only when no target of the groups above is eligible
/// (circuit open, or already tried by this request).
/// </summary>
public sealed class Priority : IBalancer
{
    private readonly int[] _group;          // 0 = the highest weight
    private readonly int _groups;
    private readonly SmoothWeightedRoundRobin _rotation;
    private readonly bool[] _scratch;

    public Priority(IReadOnlyList<int> weights)
    {
        var order = weights.Distinct().OrderDescending().ToList();
        _group = weights.Select(w => order.IndexOf(w)).ToArray();
        _groups = order.Count;
        _rotation = new SmoothWeightedRoundRobin(weights);
        _scratch = new bool[weights.Count];
    }

    public long Cursor => _rotation.Cursor;

    public int Pick(in PickContext context)
    {
        var eligible = context.Eligible;
        for (var group = 0; group < _groups; group++)
        {
            var any = false;
            for (var i = 0; i < _scratch.Length; i++)
            {
                _scratch[i] = eligible[i] && _group[i] == group;
                any |= _scratch[i];
            }
            if (any) return _rotation.Pick(_scratch);
        }
        return -1;
    }

    public BalancerInputs Describe(int target, long nowMs) => new() { Weight = _rotation.Describe(target, nowMs).Weight, PriorityGroup = _group[target] };

    public BalancerCheckpoint Checkpoint() => _rotation.Checkpoint();
    public void Restore(BalancerCheckpoint checkpoint) => _rotation.Restore(checkpoint);
}
