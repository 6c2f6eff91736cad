using Actors.Api.Routing;
using System.Collections.Concurrent;
using Actors.Grains.Interfaces.Routes;
using Actors.Grains.LoadBalancing;

namespace Actors.Api.Picking;

/// <summary>
/// One <see cref="LocalBalancer"/> per route, made at a route's first local pick from this node's route table and
/// made again when the route's spec changes. Only outcomes of local picks reach them: the route grain never hears of
/// local picks, and the local balancers never hear of the grain's.
/// </summary>
public sealed class LocalBalancers(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, LocalBalancer> _byRoute = new(StringComparer.Ordinal);

    public TargetPick Pick(ResolvedRoute route, ulong excluded, string? hashKey)
    {
        var pick = For(route).Choose(excluded, hashKey, time.GetUtcNow());
        // A local pick decides no circuit for the cluster: no probe to report at once.
        return pick with { Probe = false };
    }

    public void OnOutcome(ResolvedRoute route, in TargetOutcome outcome)
    {
        if (!_byRoute.TryGetValue(route.Name, out var balancer) || balancer.Revision != outcome.Revision) return;
        var now = time.GetUtcNow();
        balancer.OnOutcome(outcome.TargetIndex, new OutcomeSample(outcome.Success, outcome.LatencyMs,
            outcome.PromptTokens, outcome.CompletionTokens, now.ToUnixTimeMilliseconds()), now, TimeSpan.FromMilliseconds(outcome.CooldownMs));
    }

    private LocalBalancer For(ResolvedRoute route)
    {
        if (_byRoute.TryGetValue(route.Name, out var current) && current.Revision == route.Spec.Revision) return current;
        return _byRoute.AddOrUpdate(route.Name,
            static (_, spec) => new LocalBalancer(spec),
            static (_, existing, spec) => existing.Revision == spec.Revision ? existing : new LocalBalancer(spec),
            route.Spec);
    }
}
