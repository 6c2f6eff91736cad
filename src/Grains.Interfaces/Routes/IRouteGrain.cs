using Actors.Grains.Interfaces.Configuration;

namespace Actors.Grains.Interfaces.Routes;

/// <summary>
/// One activation per route in the whole cluster: it owns the rotation and the per-target counters, so balancing
/// is fair across every API node. It never does HTTP; API nodes forward and report back.
/// </summary>
public interface IRouteGrain : IGrainWithStringKey
{
    /// <summary>Sets the targets and algorithm. Keeps the rotation and counters when the spec is unchanged.</summary>
    Task Configure(RouteSpec spec);

    /// <summary>Forgets the route (it was removed from the config).</summary>
    Task Remove();

    /// <summary>
    /// Chooses the target for one request among those whose circuit lets traffic through, leaving out the targets
    /// in <paramref name="excluded"/> (bit i set: target i already failed for this request) unless every such target
    /// is excluded, in which case the choice starts over among them, as Kong's balancer does. <paramref name="hashKey"/>
    /// is the value of the route's <c>hash_on_header</c> for consistent hashing, else null.
    /// </summary>
    /// <remarks>
    /// A pick takes microseconds. A call caught in a silo crash would otherwise wait for the default response
    /// timeout; a short one lets the API node retry on the grain's new activation sooner.
    /// </remarks>
    [ResponseTimeout("00:00:01.5")]
    Task<TargetPick> Pick(ulong excluded, string? hashKey);

    /// <summary>
    /// Outcomes of forwarded requests, batched per route by each API node (a failure is sent at once, successes
    /// within milliseconds); fire-and-forget so a request never waits on bookkeeping.
    /// </summary>
    [OneWay]
    Task Report(IReadOnlyList<TargetOutcome> outcomes);

    /// <summary>Live balancer state; also what the Orleans dashboard's grain-state view shows.</summary>
    Task<RouteBalancerState> GetState();
}
