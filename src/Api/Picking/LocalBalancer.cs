using Actors.Grains.Health;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.LoadBalancing;

namespace Actors.Api.Picking;

/// <summary>
/// This node's own balancer for one route revision: the route's algorithm and circuit breaker, as the route grain
/// holds them, but fed only by this node's local picks and their outcomes. The pure balancers are single-threaded,
/// so every call takes the lock; it is only used while the cluster cannot be reached.
/// </summary>
public sealed class LocalBalancer
{
    private readonly Lock _lock = new();
    private readonly IBalancer _balancer;
    private readonly CircuitBreaker _breaker;
    private readonly bool[] _eligible;

    public LocalBalancer(RouteSpec spec)
    {
        Revision = spec.Revision;
        _balancer = BalancerFactory.Create(spec);
        _breaker = new CircuitBreaker(spec.Targets.Count, spec.Balancer.MaxFails, TimeSpan.FromMilliseconds(spec.Balancer.FailTimeoutMs));
        _eligible = new bool[spec.Targets.Count];
    }

    /// <summary>The spec revision this balancer was built from.</summary>
    public string Revision { get; }

    /// <summary>The chosen target among those not in <paramref name="excluded"/> whose circuit lets traffic through, or -1.</summary>
    public int Pick(ulong excluded, string? hashKey, DateTimeOffset now)
    {
        lock (_lock)
        {
            for (var i = 0; i < _eligible.Length; i++)
                _eligible[i] = (excluded & (1UL << i)) == 0 && _breaker.IsEligible(i, now);
            var chosen = _balancer.Pick(new PickContext(_eligible, hashKey, now.ToUnixTimeMilliseconds()));
            if (chosen >= 0) _breaker.OnPicked(chosen, now);
            return chosen;
        }
    }

    public void OnOutcome(int target, in OutcomeSample sample, DateTimeOffset now)
    {
        if ((uint)target >= (uint)_eligible.Length) return;
        lock (_lock)
        {
            _breaker.OnOutcome(target, sample.Success, now);
            _balancer.OnOutcome(target, sample);
        }
    }
}
