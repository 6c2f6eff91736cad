using Actors.Grains.Interfaces.Routes;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.LoadBalancing;

namespace Actors.Api.Picking;

/// <summary>
/// This node's own balancer for one route revision: the route's algorithm and circuit breaker, as the route grain
/// holds them, but fed only by this node's local picks and their outcomes. The pure balancers are single-threaded,
/// so every call takes the lock; it is only used while the cluster cannot be reached.
/// </summary>
public sealed class LocalBalancer(RouteSpec spec)
{
    private readonly Lock _lock = new();
    private readonly GuardedBalancer _balancer = new(spec);

    /// <summary>The spec revision this balancer was built from.</summary>
    public string Revision { get; } = spec.Revision;

    /// <summary>The chosen target among those not in <paramref name="excluded"/> whose circuit lets traffic through and whose provider is not cooling.</summary>
    public TargetPick Choose(ulong excluded, string? hashKey, DateTimeOffset now)
    {
        lock (_lock) return _balancer.Choose(excluded, hashKey, now, Revision);
    }

    /// <param name="cooldown">How long the provider asked to be left alone; zero when it did not.</param>
    public void OnOutcome(int target, in OutcomeSample sample, DateTimeOffset now, TimeSpan cooldown)
    {
        lock (_lock) _balancer.OnOutcome(target, sample, now, cooldown);
    }
}
