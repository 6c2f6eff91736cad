using Actors.Api.Cluster;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Api.Picking;

/// <summary>
/// Tells route grains how their requests went, in batches: one grain call per route per flush instead of one per
/// request, which halves the grain calls a request costs. A failure or a circuit probe goes out at once with whatever is pending, so
/// the route's circuit breaker sees it before the next pick; successes wait at most <see cref="FlushInterval"/>.
/// Picks are never batched: the rotation stays exact.
/// </summary>
public sealed class OutcomeReporter(GrainReferences<IRouteGrain> grains, TimeProvider time, ILogger<OutcomeReporter> logger) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(10);
    private const int MaxBatch = 256;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Pending> _byRoute = new(StringComparer.Ordinal);

    private sealed class Pending
    {
        public List<TargetOutcome> Outcomes = [];
    }

    /// <param name="urgent">A probe's outcome: it decides a circuit, so it goes out at once.</param>
    public void Report(string route, TargetOutcome outcome, bool urgent = false)
    {
        var pending = _byRoute.GetOrAdd(route, static _ => new Pending());
        List<TargetOutcome>? full = null;
        lock (pending)
        {
            pending.Outcomes.Add(outcome);
            if (urgent || !outcome.Success || outcome.CooldownMs > 0 || pending.Outcomes.Count >= MaxBatch) (full, pending.Outcomes) = (pending.Outcomes, []);
        }
        if (full is not null) Send(route, full);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Flush();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        Flush();
    }

    private void Flush()
    {
        foreach (var (route, pending) in _byRoute)
        {
            List<TargetOutcome> batch;
            lock (pending)
            {
                if (pending.Outcomes.Count == 0) continue;
                (batch, pending.Outcomes) = (pending.Outcomes, []);
            }
            Send(route, batch);
        }
    }

    private void Send(string route, List<TargetOutcome> batch)
    {
        try
        {
            _ = grains.For(route).Report(batch);
        }
        catch (Exception ex)
        {
            // One-way: only a failure to send lands here (the cluster is gone); the counters lose this batch.
            logger.LogDebug("Route {Route}: {Count} outcomes not reported: {Error}", route, batch.Count, ex.Message);
        }
    }
}
