using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.LoadBalancing;

namespace Actors.Grains.Routes;

/// <summary>What a route grain persists: its spec, the rotation and the counters, checkpointed, not written per pick.</summary>
[GenerateSerializer]
public sealed class RouteGrainState
{
    [Id(0)] public RouteSpec? Spec { get; set; }
    [Id(1)] public BalancerCheckpoint? Balancer { get; set; }
    [Id(2)] public TargetCounters[] Counters { get; set; } = [];
}

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
}
