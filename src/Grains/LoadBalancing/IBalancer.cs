using Actors.Grains.Interfaces.Routes;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// One balancing algorithm for one route. Instances are stateful (rotation, latency averages, usage windows live in
/// them) and are used by a single route grain, so they need no locking. Pure logic: no Orleans, no I/O, time passed in.
/// </summary>
public interface IBalancer
{
    /// <summary>Number of picks made since the targets last changed.</summary>
    long Cursor { get; }

    /// <summary>Returns the index of the chosen target among those marked eligible, or -1 when none is.</summary>
    int Pick(in PickContext context);

    /// <summary>What became of a request sent to <paramref name="target"/>; algorithms that learn from traffic use it.</summary>
    void OnOutcome(int target, in OutcomeSample sample) { }

    /// <summary>The live inputs of the algorithm for one target, for the balancer state view.</summary>
    BalancerInputs Describe(int target, long nowMs) => new();

    /// <summary>The state to persist so that a reactivated grain continues the rotation.</summary>
    BalancerCheckpoint Checkpoint();

    void Restore(BalancerCheckpoint checkpoint);
}

/// <summary>One pick's inputs: which targets may be chosen (circuit closed, not yet tried by this request), the hash key, the time.</summary>
public readonly ref struct PickContext(ReadOnlySpan<bool> eligible, string? hashKey = null, long nowMs = 0)
{
    public ReadOnlySpan<bool> Eligible { get; } = eligible;
    public string? HashKey { get; } = hashKey;
    public long NowMs { get; } = nowMs;
}

public readonly record struct OutcomeSample(bool Success, double LatencyMs, long PromptTokens, long CompletionTokens, long NowMs);

/// <summary>What a balancer needs to continue its rotation after the grain moves: picks made and the smooth round-robin scores.</summary>
[GenerateSerializer]
public sealed record BalancerCheckpoint
{
    [Id(0)] public long Picks { get; init; }
    [Id(1)] public long[] Scores { get; init; } = [];
}
