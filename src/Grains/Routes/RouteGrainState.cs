using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.LoadBalancing;

namespace Actors.Grains.Routes;

/// <summary>
/// What a route grain stores: the spec it last served, the rotation and the counters, checkpointed every second
/// when they changed, never per pick. Its JSON form is <c>Storage/StoredStateJson</c>'s contract.
/// </summary>
[GenerateSerializer]
public sealed record RouteGrainState
{
    [Id(0)] public RouteSpec? Spec { get; init; }
    [Id(1)] public BalancerCheckpoint? Balancer { get; init; }
    [Id(2)] public IReadOnlyList<TargetCounters> Counters { get; init; } = [];
}

/// <summary>One target's counters since its route's targets last changed.</summary>
[GenerateSerializer]
public sealed class TargetCounters
{
    [Id(0)] public long Picks { get; set; }
    [Id(1)] public long Successes { get; set; }
    [Id(2)] public long Failures { get; set; }
    [Id(3)] public long PromptTokens { get; set; }
    [Id(4)] public long CompletionTokens { get; set; }
    [Id(5)] public double LatencyTotalMs { get; set; }
    [Id(6)] public long LatencySamples { get; set; }

    public TargetCounters Copy() => (TargetCounters)MemberwiseClone();
}
