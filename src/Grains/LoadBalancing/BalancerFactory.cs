using Actors.Grains.Interfaces.Configuration;

namespace Actors.Grains.LoadBalancing;

public static class BalancerFactory
{
    public static IBalancer Create(RouteSpec spec)
    {
        var weights = spec.Targets.Select(t => t.Weight).ToArray();
        return spec.Balancer.Algorithm switch
        {
            // semantic: the API node leaves every target outside the prompt's closest description out of the pick.
            BalancerAlgorithms.RoundRobin or BalancerAlgorithms.Semantic => new SmoothWeightedRoundRobin(weights),
            BalancerAlgorithms.LowestLatency => new LowestLatency(spec.Targets.Count, spec.Balancer.LatencyStrategy),
            BalancerAlgorithms.LowestUsage => new LowestUsage(spec.Targets, spec.Balancer.TokensCountStrategy),
            BalancerAlgorithms.ConsistentHashing => new ConsistentHashing(spec.Targets, spec.Balancer.Slots),
            BalancerAlgorithms.Priority => new Priority(weights),
            BalancerAlgorithms.LeastConnections => new LeastConnections(weights, InFlightLifetime(spec.Balancer)),
            var other => throw new NotSupportedException($"Balancer algorithm '{other}' is not supported."),
        };
    }

    /// <summary>
    /// How long a least-connections pick counts without an outcome: connect + write + read timeouts, the longest a
    /// live attempt waits for its response to start. A stream still running after that is undercounted until it ends;
    /// a pick whose outcome never comes (its API node died) stops holding its target back.
    /// </summary>
    public static TimeSpan InFlightLifetime(BalancerSpec balancer) =>
        TimeSpan.FromMilliseconds((long)balancer.ConnectTimeoutMs + balancer.WriteTimeoutMs + balancer.ReadTimeoutMs);
}
