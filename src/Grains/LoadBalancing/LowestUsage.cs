using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// Kong's <c>lowest-usage</c>: the target that used the fewest tokens (or the least money) over a sliding window.
/// Requests still in flight count with the target's average usage per request, so a burst of concurrent picks is
/// spread instead of all landing on the target that was lowest before the burst.
/// </summary>
public sealed class LowestUsage : IBalancer
{
    public const int WindowSeconds = 60;

    private readonly string _strategy;
    private readonly (double Input, double Output)[] _costs;
    private readonly double[,] _usage;      // [target, second % window]
    private readonly long[,] _requests;
    private readonly long[] _bucketSecond;  // which second each bucket column holds
    private readonly long[] _inFlight;

    public LowestUsage(IReadOnlyList<TargetSpec> targets, string strategy)
    {
        _strategy = strategy;
        _costs = targets.Select(t => (t.Options.InputCost ?? 0, t.Options.OutputCost ?? 0)).ToArray();
        _usage = new double[targets.Count, WindowSeconds];
        _requests = new long[targets.Count, WindowSeconds];
        _bucketSecond = Enumerable.Repeat(-1L, WindowSeconds).ToArray();
        _inFlight = new long[targets.Count];
    }

    public long Cursor { get; private set; }

    public int Pick(in PickContext context)
    {
        var eligible = context.Eligible;
        var best = -1;
        var bestLoad = double.MaxValue;
        for (var i = 0; i < eligible.Length; i++)
        {
            if (!eligible[i]) continue;
            var (usage, requests) = Window(i, context.NowMs);
            var perRequest = requests == 0 ? 1 : Math.Max(usage / requests, 1e-9);
            var load = usage + _inFlight[i] * perRequest;
            if (load < bestLoad) (best, bestLoad) = (i, load);
        }
        if (best < 0) return -1;
        _inFlight[best]++;
        Cursor++;
        return best;
    }

    public void OnOutcome(int target, in OutcomeSample sample)
    {
        if (_inFlight[target] > 0) _inFlight[target]--;
        var used = _strategy switch
        {
            TokensCountStrategies.Prompt => sample.PromptTokens,
            TokensCountStrategies.Completion => sample.CompletionTokens,
            TokensCountStrategies.Cost => (sample.PromptTokens * _costs[target].Input + sample.CompletionTokens * _costs[target].Output) / 1_000_000,
            _ => sample.PromptTokens + sample.CompletionTokens,
        };
        var second = sample.NowMs / 1000;
        var column = (int)(second % WindowSeconds);
        if (_bucketSecond[column] != second)
        {
            // the column last held a second that has left the window: clear it for every target
            for (var t = 0; t < _inFlight.Length; t++) (_usage[t, column], _requests[t, column]) = (0, 0);
            _bucketSecond[column] = second;
        }
        _usage[target, column] += used;
        _requests[target, column]++;
    }

    private (double Usage, long Requests) Window(int target, long nowMs)
    {
        var now = nowMs / 1000;
        double usage = 0;
        long requests = 0;
        for (var c = 0; c < WindowSeconds; c++)
        {
            if (_bucketSecond[c] < 0 || now - _bucketSecond[c] >= WindowSeconds) continue;
            usage += _usage[target, c];
            requests += _requests[target, c];
        }
        return (usage, requests);
    }

    public BalancerInputs Describe(int target, long nowMs) => new() { WindowUsage = Math.Round(Window(target, nowMs).Usage, 6) };

    public BalancerCheckpoint Checkpoint() => new() { Picks = Cursor };
    public void Restore(BalancerCheckpoint checkpoint) => Cursor = checkpoint.Picks;
}
