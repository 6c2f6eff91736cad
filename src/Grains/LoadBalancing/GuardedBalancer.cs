using Actors.Grains.Health;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Grains.LoadBalancing;

/// <summary>
/// A route's algorithm behind its circuit breaker and its providers' cooldowns: a pick chooses only among the targets
/// not excluded for the request whose circuit lets traffic through and whose provider is not cooling, and an outcome
/// teaches them. The route grain holds one, and an API node holds
/// its own while the cluster is unreachable. Pure and single-threaded, time passed in.
/// </summary>
public sealed class GuardedBalancer
{
    private readonly bool[] _eligible;

    public GuardedBalancer(RouteSpec spec)
    {
        Algorithm = BalancerFactory.Create(spec);
        Breaker = new CircuitBreaker(spec.Targets.Count, spec.Balancer.MaxFails, TimeSpan.FromMilliseconds(spec.Balancer.FailTimeoutMs));
        Cooldowns = new TargetCooldowns(spec.Targets.Count);
        _eligible = new bool[spec.Targets.Count];
    }

    public IBalancer Algorithm { get; }
    public CircuitBreaker Breaker { get; }
    public TargetCooldowns Cooldowns { get; }
    public int Targets => _eligible.Length;

    /// <summary>
    /// The chosen target, or -1 when no circuit lets traffic through or every open one is cooling. When every target whose circuit is closed was
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

    /// <summary>
    /// One pick as the route's picker answers it: the target, or why there is none, with the time until the first
    /// cooldown ends when every target is cooling.
    /// </summary>
    public TargetPick Choose(ulong excluded, string? hashKey, DateTimeOffset now, string revision)
    {
        var index = Pick(excluded, hashKey, now, out var probe);
        if (index >= 0) return new TargetPick(PickStatus.Picked, index, revision, probe);
        return Cooldowns.AllCoolingUntil(now) is { } until
            ? new TargetPick(PickStatus.Cooling, -1, revision, RetryAfterMs: (long)Math.Ceiling((until - now).TotalMilliseconds))
            : new TargetPick(PickStatus.NoTarget, -1, revision);
    }

    private int PickAmong(ulong excluded, string? hashKey, DateTimeOffset now)
    {
        for (var i = 0; i < _eligible.Length; i++)
            _eligible[i] = (excluded & (1UL << i)) == 0 && Breaker.IsEligible(i, now) && !Cooldowns.IsCooling(i, now);
        return Algorithm.Pick(new PickContext(_eligible, hashKey, now.ToUnixTimeMilliseconds()));
    }

    /// <param name="cooldown">How long the provider asked to be left alone (a rate limit); not a circuit failure.</param>
    public void OnOutcome(int target, in OutcomeSample sample, DateTimeOffset now, TimeSpan cooldown = default)
    {
        if ((uint)target >= (uint)_eligible.Length) return;
        if (cooldown > TimeSpan.Zero) Cooldowns.Start(target, cooldown, now);
        else Breaker.OnOutcome(target, sample.Success, now);
        Algorithm.OnOutcome(target, sample);
    }
}
