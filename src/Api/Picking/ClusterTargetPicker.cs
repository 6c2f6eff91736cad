using Actors.Api.Cluster;
using Actors.Api.Hosting;
using Actors.Api.Routing;
using Actors.Api.Telemetry;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Options;

namespace Actors.Api.Picking;

/// <summary>
/// Picks through the route's grain, one activation in the whole cluster, retrying while a silo crash is being
/// recovered. When the grain cannot be reached within <see cref="LocalPickOptions.LocalPickAfter"/>, this node picks
/// on its own over its last route table (<see cref="LocalBalancers"/>), or refuses when local picks are switched off;
/// a cluster known to be down is not waited for.
/// </summary>
public sealed class ClusterTargetPicker(
    GrainReferences<IRouteGrain> grains,
    OutcomeReporter outcomes,
    LocalBalancers local,
    ClusterReachability cluster,
    GatewayMetrics metrics,
    IOptions<GatewaySettings> gateway,
    IOptions<LocalPickOptions> options,
    ILogger<ClusterTargetPicker> logger) : ITargetPicker
{
    private readonly RetryPolicy _retry = cluster.RetryPolicy(boundEachAttempt: options.Value.LocalPicksWhenClusterDown);

    public async Task<PickResult> PickAsync(ResolvedRoute route, ulong excluded, string? hashKey, CancellationToken cancellationToken)
    {
        var localAllowed = options.Value.LocalPicksWhenClusterDown;
        if (cluster.IsDown) return localAllowed ? PickLocally(route, excluded, hashKey) : new PickResult(PickOutcome.ClusterUnavailable);
        var budget = options.Value.RequestBudget(gateway.Value.ClusterCallDeadline);
        TargetPick pick;
        try
        {
            var grain = grains.For(route.Name);
            pick = await ClusterCalls.WithRetryAsync(() => grain.Pick(excluded, hashKey), budget, _retry, cancellationToken);
            cluster.OnAnswered();
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            cluster.OnGaveUp(ex);
            logger.LogDebug("Route {Route}: the route grain did not answer within {Budget}: {Error}", route.Name, budget, ex.Message);
            return localAllowed ? PickLocally(route, excluded, hashKey) : new PickResult(PickOutcome.ClusterUnavailable);
        }
        return Result(route, pick, local: false);
    }

    public void Report(ResolvedRoute route, TargetOutcome outcome, PickResult pick)
    {
        // A local pick's outcome teaches this node's balancer only: the grain counts its own picks.
        if (pick.Local) local.OnOutcome(route, outcome);
        else outcomes.Report(route.Name, outcome, urgent: pick.Probe);
        if (outcome.CooldownMs > 0) metrics.RecordCooldown(route, outcome.TargetIndex);
    }

    private PickResult PickLocally(ResolvedRoute route, ulong excluded, string? hashKey)
    {
        var pick = local.Pick(route, excluded, hashKey);
        if (pick.Status == PickStatus.Picked) metrics.RecordLocalPick(route.Name);
        return Result(route, pick, local: true);
    }

    private static PickResult Result(ResolvedRoute route, TargetPick pick, bool local) => pick.Status switch
    {
        PickStatus.NoTarget => new PickResult(PickOutcome.NoTarget, Local: local),
        PickStatus.Cooling => new PickResult(PickOutcome.Cooling, Local: local, RetryAfter: TimeSpan.FromMilliseconds(pick.RetryAfterMs)),
        // The picker's target list and this node's must agree (same revision), or an index means another target.
        PickStatus.Picked when pick.Revision == route.Spec.Revision && pick.TargetIndex < route.Targets.Count =>
            new PickResult(PickOutcome.Picked, pick.TargetIndex, pick.Probe, local),
        _ => new PickResult(PickOutcome.StaleRevision, Local: local),
    };
}
