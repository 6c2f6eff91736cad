using Actors.Api.Hosting;
using Actors.Api.Telemetry;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Options;

namespace Actors.Api.Routing;

/// <summary>A target pick and who made it: the route grain (the cluster-wide rotation) or this node.</summary>
public readonly record struct RoutePick(TargetPick Pick, bool Local);

/// <summary>
/// Step 3 of the proxy pipeline: asks the route grain for a target, retrying while a silo crash is being recovered.
/// When the grain cannot be reached, either this node picks locally over its last route table (and says so with
/// <see cref="Header"/>) or the caller gets the transient error and answers 503, as <see cref="LocalPickOptions"/>
/// says. A cluster known to be down is not waited for.
/// </summary>
public sealed class TargetPicker(
    GrainReferences<IRouteGrain> grains,
    LocalBalancers local,
    ClusterReachability cluster,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> gateway,
    IOptions<LocalPickOptions> options,
    ILogger<TargetPicker> logger)
{
    /// <summary>Marks a response whose target this node picked on its own.</summary>
    public const string Header = "X-Actors-Pick";

    private readonly RetryPolicy _retry = new()
    {
        BoundEachAttempt = options.Value.LocalPicksWhenClusterDown,
        OnAttemptFailed = cluster.OnAttemptFailed,
        StopRetrying = () => cluster.IsDown,
    };

    public async Task<RoutePick> PickAsync(ResolvedRoute route, ulong excluded, string? hashKey, CancellationToken cancellationToken)
    {
        var localAllowed = options.Value.LocalPicksWhenClusterDown;
        if (cluster.IsDown)
        {
            if (localAllowed) return PickLocally(route, excluded, hashKey);
            throw new ClusterUnreachableException();
        }
        var budget = localAllowed ? options.Value.LocalPickAfter : gateway.Value.ClusterCallDeadline;
        try
        {
            var grain = grains.For(route.Name);
            var pick = await ClusterCalls.WithRetryAsync(() => grain.Pick(excluded, hashKey), budget, _retry, cancellationToken);
            cluster.OnAnswered();
            return new RoutePick(pick, Local: false);
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            cluster.OnGaveUp(ex);
            if (!localAllowed) throw;
            logger.LogDebug("Route {Route}: the route grain did not answer within {Budget}: {Error}", route.Name, budget, ex.Message);
            return PickLocally(route, excluded, hashKey);
        }
    }

    /// <summary>What became of an attempt sent to a locally picked target: it teaches this node's balancer only.</summary>
    public void OnLocalOutcome(ResolvedRoute route, in TargetOutcome outcome) => local.OnOutcome(route, outcome);

    private RoutePick PickLocally(ResolvedRoute route, ulong excluded, string? hashKey)
    {
        var pick = local.Pick(route, excluded, hashKey);
        if (pick.Status == PickStatus.Picked) metrics.RecordLocalPick(route.Name);
        return new RoutePick(pick, Local: true);
    }
}
