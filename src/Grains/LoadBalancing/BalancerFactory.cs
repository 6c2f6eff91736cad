using Actors.Grains.Interfaces.Configuration;

namespace Actors.Grains.LoadBalancing;

public static class BalancerFactory
{
    public static IBalancer Create(RouteSpec spec)
    {
        var weights = spec.Targets.Select(t => t.Weight).ToArray();
        return spec.Balancer.Algorithm switch
        {
            BalancerAlgorithms.RoundRobin => new SmoothWeightedRoundRobin(weights),
            BalancerAlgorithms.LowestLatency => new LowestLatency(spec.Targets.Count, spec.Balancer.LatencyStrategy),
            BalancerAlgorithms.LowestUsage => new LowestUsage(spec.Targets, spec.Balancer.TokensCountStrategy),
            BalancerAlgorithms.ConsistentHashing => new ConsistentHashing(spec.Targets, spec.Balancer.Slots),
            BalancerAlgorithms.Priority => new Priority(weights),
            var other => throw new NotSupportedException($"Balancer algorithm '{other}' is not supported."),
        };
    }
}
