using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// Kong's <c>lowest-latency</c>: the target with the lowest moving average of latency, measured by the API nodes.
/// <c>tpot</c> (the default) averages time per output token, <c>e2e</c> whole-response time. A target not measured
/// yet is tried first; every <see cref="ProbeEvery"/>th pick goes to the slower target tried longest ago, so a
/// target that got faster is noticed (at most 1 pick in 20, 5%).
/// </summary>
public sealed class LowestLatency(int targets, string strategy) : IBalancer
{
    public const int ProbeEvery = 20;
    private const double Smoothing = 0.3;

    private readonly double[] _average = Enumerable.Repeat(double.NaN, targets).ToArray();
    private readonly long[] _lastPicked = Enumerable.Repeat(-1L, targets).ToArray();
    private readonly bool _perToken = strategy != LatencyStrategies.EndToEnd;

    public long Cursor { get; private set; }

    public int Pick(in PickContext context)
    {
        var eligible = context.Eligible;
        int best = -1, untried = -1, stalest = -1;
        for (var i = 0; i < eligible.Length; i++)
        {
            if (!eligible[i]) continue;
            if (double.IsNaN(_average[i]))
            {
                if (_lastPicked[i] < 0 && untried < 0) untried = i;
                continue;
            }
            if (best < 0 || _average[i] < _average[best]) best = i;
        }
        int choice;
        if (untried >= 0) choice = untried;
        else if (best < 0) choice = OldestPicked(eligible, -1); // nothing measured yet: spread the waiting picks
        else
        {
            choice = best;
            if ((Cursor + 1) % ProbeEvery == 0 && (stalest = OldestPicked(eligible, best)) >= 0) choice = stalest;
        }
        if (choice < 0) return -1;
        _lastPicked[choice] = Cursor++;
        return choice;
    }

    private int OldestPicked(ReadOnlySpan<bool> eligible, int except)
    {
        var oldest = -1;
        for (var i = 0; i < eligible.Length; i++)
            if (eligible[i] && i != except && (oldest < 0 || _lastPicked[i] < _lastPicked[oldest])) oldest = i;
        return oldest;
    }

    public void OnOutcome(int target, in OutcomeSample sample)
    {
        if (!sample.Success || sample.LatencyMs < 0) return;
        var value = _perToken && sample.CompletionTokens > 0 ? sample.LatencyMs / sample.CompletionTokens : sample.LatencyMs;
        _average[target] = double.IsNaN(_average[target]) ? value : _average[target] + Smoothing * (value - _average[target]);
    }

    public BalancerInputs Describe(int target, long nowMs) =>
        new() { LatencyAverageMs = double.IsNaN(_average[target]) ? null : Math.Round(_average[target], 3) };

    public BalancerCheckpoint Checkpoint() => new() { Picks = Cursor };
    public void Restore(BalancerCheckpoint checkpoint) => Cursor = checkpoint.Picks;
}
