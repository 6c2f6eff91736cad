using Actors.Api.Hosting;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Options;

namespace Actors.Api.Picking;

/// <summary>Picks through the route's grain, one activation in the whole cluster; the pick is one grain call.</summary>
public sealed class ClusterTargetPicker(GrainReferences<IRouteGrain> grains, OutcomeReporter outcomes, IOptions<GatewayOptions> options, ILogger<ClusterTargetPicker> logger) : ITargetPicker
{
    public async Task<PickResult> PickAsync(ResolvedRoute route, ulong excluded, string? hashKey, CancellationToken cancellationToken)
    {
        var grain = grains.For(route.Name);
        var deadline = options.Value.ClusterCallDeadline;
        TargetPick pick;
        try
        {
            pick = await ClusterCalls.WithRetryAsync(() => grain.Pick(excluded, hashKey), deadline, cancellationToken);
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            logger.LogWarning("Route {Route}: the cluster did not answer within {Deadline}: {Error}", route.Name, deadline, ex.Message);
            return new PickResult(PickOutcome.ClusterUnavailable);
        }
        return pick.Status switch
        {
            PickStatus.NoTarget => new PickResult(PickOutcome.NoTarget),
            // The grain's target list and this node's must agree (same revision), or an index means another target.
            PickStatus.Picked when pick.Revision == route.Spec.Revision && pick.TargetIndex < route.Targets.Count =>
                new PickResult(PickOutcome.Picked, pick.TargetIndex, pick.Probe),
            _ => new PickResult(PickOutcome.StaleRevision),
        };
    }

    public void Report(ResolvedRoute route, TargetOutcome outcome, bool urgent) => outcomes.Report(route.Name, outcome, urgent);
}
