using Actors.Grains.Interfaces.Configuration;

namespace Actors.Grains.LoadBalancing;

public static class BalancerFactory
{
    public static IBalancer Create(RouteSpec spec) => spec.Balancer.Algorithm switch
    {
        BalancerAlgorithms.RoundRobin => new SmoothWeightedRoundRobin(spec.Targets.Select(t => t.Weight).ToArray()),
        var other => throw new NotSupportedException($"Balancer algorithm '{other}' is not supported."),
    };
}
