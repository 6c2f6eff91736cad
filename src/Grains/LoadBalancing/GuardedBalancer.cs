using Actors.Grains.Health;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// A route's algorithm behind its circuit breaker: a pick chooses only among the targets not excluded for the request
/// whose circuit lets traffic through, and an outcome teaches both. The route grain holds one, and an API node holds
/// its own while the cluster is unreachable. Pure and single-threaded, time passed in.
/// </summary>
public sealed class GuardedBalancer
{
    private readonly bool[] _eligible;

    public GuardedBalancer(RouteSpec spec)
    {
        Algorithm = BalancerFactory.Create(spec);
        Breaker = new CircuitBreaker(spec.Targets.Count, spec.Balancer.MaxFails, TimeSpan.FromMilliseconds(spec.Balancer.FailTimeoutMs));
        _eligible = new bool[spec.Targets.Count];
    }

    public IBalancer Algorithm { get; }
    public CircuitBreaker Breaker { get; }
    public int Targets => _eligible.Length;

    /// <summary>
    /// The chosen target, or -1 when no circuit lets traffic through. When every target whose circuit is closed was
    /// tried for this request already, the choice starts over among all of them, as Kong's balancer clears its
    /// tried targets: <c>retries</c> may go back to a target (the only one, or the only healthy one).
    /// </summary>
    /// <param name="excluded">Bit i set: target i already failed for this request.</param>
    /// <param name="probe">The target's circuit is half-open and this request decides it.</param>
    public int Pick(ulong excluded, string? hashKey, DateTimeOffset now, out bool probe)
    {
        var chosen = PickAmong(excluded, hashKey, now);
        if (chosen < 0 && excluded != 0) chosen = PickAmong(0, hashKey, now);
        probe = chosen >= 0 && Breaker.State(chosen, now) == CircuitState.HalfOpen;
        if (chosen >= 0) Breaker.OnPicked(chosen, now);
        return chosen;
    }

    private int PickAmong(ulong excluded, string? hashKey, DateTimeOffset now)
    {
        for (var i = 0; i < _eligible.Length; i++)
            _eligible[i] = (excluded & (1UL << i)) == 0 && Breaker.IsEligible(i, now);
        return Algorithm.Pick(new PickContext(_eligible, hashKey, now.ToUnixTimeMilliseconds()));
    }

    public void OnOutcome(int target, in OutcomeSample sample, DateTimeOffset now)
    {
        if ((uint)target >= (uint)_eligible.Length) return;
        Breaker.OnOutcome(target, sample.Success, now);
        Algorithm.OnOutcome(target, sample);
    }
}
