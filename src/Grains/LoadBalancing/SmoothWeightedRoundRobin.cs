using Actors.Grains.Interfaces.Routes;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// nginx's smooth weighted round-robin: each pick adds every eligible target's weight to its running score, takes
/// the highest score and subtracts the total from it. Over every sum-of-weights picks each target gets exactly its
/// share, spread out rather than in runs (weights 2:1 give A B A, never A A B). Equal weights give plain rotation.
/// </summary>
public sealed class SmoothWeightedRoundRobin : IBalancer
{
    private readonly int[] _weights;
    private readonly long[] _scores;

    public SmoothWeightedRoundRobin(IReadOnlyList<int> weights)
    {
        if (weights.Count == 0) throw new ArgumentException("At least one target is needed.", nameof(weights));
        _weights = new int[weights.Count];
        for (var i = 0; i < weights.Count; i++)
        {
            if (weights[i] <= 0) throw new ArgumentOutOfRangeException(nameof(weights), "Weights must be positive.");
            _weights[i] = weights[i];
        }
        _scores = new long[weights.Count];
    }


    public long Cursor { get; private set; }

    public int Pick(in PickContext context) => Pick(context.Eligible);

    public int Pick(ReadOnlySpan<bool> eligible)
    {
        if (eligible.Length != _weights.Length) throw new ArgumentException("One flag per target is needed.", nameof(eligible));
        var best = -1;
        long total = 0;
        for (var i = 0; i < _weights.Length; i++)
        {
            if (!eligible[i]) continue;
            _scores[i] += _weights[i];
            total += _weights[i];
            if (best < 0 || _scores[i] > _scores[best]) best = i;
        }
        if (best < 0) return -1;
        _scores[best] -= total;
        Cursor++;
        return best;
    }

    public BalancerInputs Describe(int target, long nowMs) => new() { Weight = _weights[target] };

    public BalancerCheckpoint Checkpoint() => new() { Picks = Cursor, Scores = (long[])_scores.Clone() };

    public void Restore(BalancerCheckpoint checkpoint)
    {
        // A checkpoint taken for another target list is meaningless: start the rotation afresh.
        if (checkpoint.Scores.Length != _scores.Length) return;
        checkpoint.Scores.CopyTo(_scores, 0);
        Cursor = checkpoint.Picks;
    }
}
