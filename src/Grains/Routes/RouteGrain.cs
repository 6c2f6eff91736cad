using Actors.Grains.Health;
using Actors.Grains.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Actors.Grains.LoadBalancing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Grains.Routes;

public sealed class RouteGrain(
    [PersistentState("route", StorageNames.Default)] IPersistentState<RouteGrainState> state,
    ILocalSiloDetails silo,
    IOptions<RouteGrainOptions> options,
    ILogger<RouteGrain> logger) : Grain, IRouteGrain
{
    private IBalancer? _balancer;
    private CircuitBreaker? _breaker;
    private bool[] _eligible = [];
    private bool _dirty;

    private RouteSpec? Spec => state.State.Spec;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Spec is not null)
        {
            StartBalancer(Spec);
            if (state.State.Balancer is { } checkpoint) _balancer!.Restore(checkpoint);
        }
        var interval = options.Value.CheckpointInterval;
        this.RegisterGrainTimer(CheckpointAsync, interval, interval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty) await CheckpointAsync(cancellationToken);
    }

    public async Task Configure(RouteSpec spec)
    {
        if (Spec is not null && Spec.Revision == spec.Revision) return;
        logger.LogInformation("Route {Route} configured with {Count} targets ({Algorithm})",
            this.GetPrimaryKeyString(), spec.Targets.Count, spec.Balancer.Algorithm);
        state.State.Spec = spec;
        state.State.Counters = spec.Targets.Select(_ => new TargetCounters()).ToArray();
        StartBalancer(spec);
        state.State.Balancer = _balancer!.Checkpoint();
        await state.WriteStateAsync();
        _dirty = false;
    }

    public async Task Remove()
    {
        _balancer = null;
        _breaker = null;
        _eligible = [];
        _dirty = false;
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    public Task<TargetPick> Pick(ulong excluded, string? hashKey)
    {
        if (_balancer is null || _breaker is null || Spec is null) return Task.FromResult(new TargetPick(PickStatus.NotConfigured, -1, ""));
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < _eligible.Length; i++)
            _eligible[i] = (excluded & (1UL << i)) == 0 && _breaker.IsEligible(i, now);
        var index = _balancer.Pick(new PickContext(_eligible, hashKey, now.ToUnixTimeMilliseconds()));
        if (index < 0) return Task.FromResult(new TargetPick(PickStatus.NoTarget, -1, Spec.Revision));
        _breaker.OnPicked(index, now);
        state.State.Counters[index].Picks++;
        _dirty = true;
        return Task.FromResult(new TargetPick(PickStatus.Picked, index, Spec.Revision));
    }

    public Task Report(TargetOutcome outcome)
    {
        // A report for an older target list would credit the wrong target: drop it.
        if (Spec is null || outcome.Revision != Spec.Revision) return Task.CompletedTask;
        if ((uint)outcome.TargetIndex >= (uint)state.State.Counters.Length) return Task.CompletedTask;
        var now = DateTimeOffset.UtcNow;
        _breaker?.OnOutcome(outcome.TargetIndex, outcome.Success, now);
        _balancer?.OnOutcome(outcome.TargetIndex,
            new OutcomeSample(outcome.Success, outcome.LatencyMs, outcome.PromptTokens, outcome.CompletionTokens, now.ToUnixTimeMilliseconds()));
        var counters = state.State.Counters[outcome.TargetIndex];
        if (outcome.Success) counters.Successes++;
        else counters.Failures++;
        counters.PromptTokens += Math.Max(0, outcome.PromptTokens);
        counters.CompletionTokens += Math.Max(0, outcome.CompletionTokens);
        if (outcome.LatencyMs >= 0)
        {
            counters.LatencyTotalMs += outcome.LatencyMs;
            counters.LatencySamples++;
        }
        _dirty = true;
        return Task.CompletedTask;
    }

    public Task<RouteBalancerState> GetState()
    {
        var spec = Spec;
        var now = DateTimeOffset.UtcNow;
        var targets = spec is null || _breaker is null
            ? []
            : spec.Targets.Select((t, i) =>
            {
                var c = state.State.Counters[i];
                return new TargetState
                {
                    Index = i,
                    Provider = t.Provider,
                    Model = t.ModelName,
                    Weight = t.Weight,
                    Description = t.Description,
                    Healthy = _breaker.State(i, now) == CircuitState.Closed,
                    Circuit = _breaker.State(i, now) switch { CircuitState.Open => "open", CircuitState.HalfOpen => "half-open", _ => "closed" },
                    ConsecutiveFailures = _breaker.ConsecutiveFailures(i),
                    RetryAt = _breaker.RetryAt(i, now),
                    Inputs = _balancer!.Describe(i, now.ToUnixTimeMilliseconds()),
                    Picks = c.Picks,
                    Successes = c.Successes,
                    Failures = c.Failures,
                    PromptTokens = c.PromptTokens,
                    CompletionTokens = c.CompletionTokens,
                    TotalTokens = c.PromptTokens + c.CompletionTokens,
                    AverageLatencyMs = c.LatencySamples == 0 ? 0 : Math.Round(c.LatencyTotalMs / c.LatencySamples, 2),
                };
            }).ToArray();
        return Task.FromResult(new RouteBalancerState
        {
            Route = this.GetPrimaryKeyString(),
            Configured = spec is not null,
            Algorithm = spec?.Balancer.Algorithm ?? "",
            Strategy = spec?.Balancer.Algorithm switch
            {
                BalancerAlgorithms.LowestLatency => spec.Balancer.LatencyStrategy,
                BalancerAlgorithms.LowestUsage => spec.Balancer.TokensCountStrategy,
                BalancerAlgorithms.ConsistentHashing => "header " + spec.Balancer.HashOnHeader,
                _ => null,
            },
            Cursor = _balancer?.Cursor ?? 0,
            Revision = spec?.Revision ?? "",
            Silo = silo.SiloAddress.ToString(),
            Targets = targets,
        });
    }

    private void StartBalancer(RouteSpec spec)
    {
        _balancer = BalancerFactory.Create(spec);
        _breaker = new CircuitBreaker(spec.Targets.Count, spec.Balancer.MaxFails, TimeSpan.FromMilliseconds(spec.Balancer.FailTimeoutMs));
        _eligible = new bool[spec.Targets.Count];
        if (state.State.Counters.Length != spec.Targets.Count)
            state.State.Counters = spec.Targets.Select(_ => new TargetCounters()).ToArray();
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (!_dirty || _balancer is null) return;
        state.State.Balancer = _balancer.Checkpoint();
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            _dirty = true; // try again at the next tick
            logger.LogWarning(ex, "Checkpoint of route {Route} failed", this.GetPrimaryKeyString());
        }
    }
}
