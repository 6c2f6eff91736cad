using System.Diagnostics.Metrics;
using Actors.Api.Cluster;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Api.Telemetry;

/// <summary>
/// Exports the route grains' circuit state as a gauge, <c>actors_circuit_open{route,ai_provider,ai_model}</c>
/// (1 open or half-open, 0 closed). The states are fetched from the grains in the background every few seconds, so
/// a scrape never waits on the cluster.
/// </summary>
public sealed class CircuitStateGauge : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly GrainReferences<IRouteGrain> _grains;
    private readonly RouteTableHolder _routes;
    private readonly ILogger<CircuitStateGauge> _logger;
    private readonly TimeProvider _time;
    private volatile IReadOnlyList<RouteBalancerState> _states = [];

    public CircuitStateGauge(GrainReferences<IRouteGrain> grains, RouteTableHolder routes, GatewayMetrics metrics, TimeProvider time, ILogger<CircuitStateGauge> logger)
    {
        _grains = grains;
        _routes = routes;
        _logger = logger;
        _time = time;
        metrics.Meter.CreateObservableGauge("actors_circuit_open", Observe, description: "1 while a target's circuit is open or half-open");
    }

    private IEnumerable<Measurement<int>> Observe() =>
        _states.SelectMany(route => route.Targets.Select(t => new Measurement<int>(t.Healthy ? 0 : 1,
            new KeyValuePair<string, object?>("route", route.Route),
            new KeyValuePair<string, object?>("ai_provider", t.Provider),
            new KeyValuePair<string, object?>("ai_model", t.Model))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                _states = await Task.WhenAll(_routes.Current.Routes.Select(r => _grains.For(r.Name).GetState()));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Orleans also throws OperationCanceledException ("message expired before placement") while a
                // restarted cluster forms; letting it escape stopped the whole node.
                _logger.LogDebug("Circuit states not refreshed: {Error}", ex.Message);
            }
        }
    }
}
