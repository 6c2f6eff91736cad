namespace Actors.Grains.LoadBalancing;

/// <summary>
/// One balancing algorithm for one route. Instances are stateful (the rotation lives in them) and are used by a
/// single route grain, so they need no locking. Pure logic: no Orleans, no I/O.
/// </summary>
public interface IBalancer
{
    string Algorithm { get; }

    /// <summary>Number of picks made since the targets last changed.</summary>
    long Cursor { get; }

    /// <summary>Returns the index of the chosen target among those marked eligible, or -1 when none is.</summary>
    int Pick(ReadOnlySpan<bool> eligible);

    /// <summary>The state to persist so that a reactivated grain continues the rotation.</summary>
    BalancerCheckpoint Checkpoint();

    void Restore(BalancerCheckpoint checkpoint);
}

[GenerateSerializer]
public sealed record BalancerCheckpoint
{
    [Id(0)] public long Cursor { get; init; }
    [Id(1)] public long[] Weights { get; init; } = [];
}
