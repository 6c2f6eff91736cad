using Actors.Grains.Health;
using Actors.Grains.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Actors.Grains.LoadBalancing;
using Actors.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Actors.Grains.Routes;

/// <summary>
/// The one activation of a route in the cluster: rotation, health and counters. Picks and reports never wait on
/// storage: the state is checkpointed by an interleaving timer from a snapshot, so a stalled Redis slows only the
/// checkpoint. Its spec comes from the config grain (the source of truth) when it activates; what it stored itself
/// is used when the config grain cannot answer, and its rotation and counters only when they belong to that spec.
/// Its circuits and algorithms read the silo's <see cref="TimeProvider"/>.
/// </summary>
public sealed class RouteGrain(
    ILocalSiloDetails silo,
    IOptions<RouteGrainOptions> options,
    TimeProvider time,
    ILogger<RouteGrain> logger) : Grain, IRouteGrain
{
    /// <summary>How long an activation waits for storage or the config grain before going on without them.</summary>
    private static readonly TimeSpan ActivationReadLimit = TimeSpan.FromSeconds(1);
    /// <summary>How often an activation that could not reach the config grain asks it again.</summary>
    private static readonly TimeSpan ConfigLookupInterval = TimeSpan.FromSeconds(1);

    private GrainStateStore<RouteGrainState> _store = null!;
    private RouteSpec? _spec;
    private GuardedBalancer? _balancer;
    private TargetCounters[] _counters = [];
    private bool _dirty;
    private bool _writing;
    private IGrainTimer? _configLookup;

    private RouteSpec? Spec => _spec;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        _store = new GrainStateStore<RouteGrainState>(storage, "route", this.GetGrainId(), logger);
        // Both at once: a stalled Redis or a config grain still activating costs the first pick one limit, not two.
        var reading = WithinLimitAsync(_store.ReadAsync(), "its stored state");
        var asking = AskConfigGrainAsync();
        var (stored, lookup) = (await reading, await asking);
        // The config grain knows best; without its answer (or when it lost its storage) the stored spec serves. A route
        // the config no longer has may serve until its grain deactivates: no node routes to it.
        var spec = lookup?.Spec ?? stored?.Spec;
        if (spec is not null) Install(spec, stored?.Spec?.Revision == spec.Revision ? stored : null);
        var interval = options.Value.CheckpointInterval;
        this.RegisterGrainTimer(CheckpointAsync, new GrainTimerCreationOptions(interval, interval) { Interleave = true });
        // Without the config grain's answer this activation has no spec, or one that may be stale; nothing else would
        // tell it (the config grain configures routes only when a config is applied), so it keeps asking.
        if (lookup is null)
            _configLookup = this.RegisterGrainTimer(LookUpConfigAsync, stored,
                new GrainTimerCreationOptions(ConfigLookupInterval, ConfigLookupInterval) { Interleave = true });
    }

    /// <summary>Asks the config grain for this route's spec until it answers; installs it when it differs.</summary>
    private async Task LookUpConfigAsync(RouteGrainState? stored, CancellationToken cancellationToken)
    {
        var lookup = await AskConfigGrainAsync();
        if (lookup is null || _configLookup is null) return;
        StopConfigLookup();
        if (lookup.Spec is not { } spec || spec.Revision == Spec?.Revision) return;
        logger.LogInformation("Route {Route} takes its spec from the config grain, which answers again", this.GetPrimaryKeyString());
        Install(spec, stored?.Spec?.Revision == spec.Revision ? stored : null);
        _dirty = true;
    }

    private Task<RouteLookup?> AskConfigGrainAsync() =>
        WithinLimitAsync(GrainFactory.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey).GetRoute(this.GetPrimaryKeyString()), "the config grain");

    private void StopConfigLookup()
    {
        _configLookup?.Dispose();
        _configLookup = null;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty) await CheckpointAsync(cancellationToken);
    }

    /// <summary>Takes a new spec at once, in memory; the next checkpoint stores it.</summary>
    public Task Configure(RouteSpec spec)
    {
        StopConfigLookup(); // the config grain just said what this route is
        if (Spec is not null && Spec.Revision == spec.Revision) return Task.CompletedTask;
        logger.LogInformation("Route {Route} configured with {Count} targets ({Algorithm})",
            this.GetPrimaryKeyString(), spec.Targets.Count, spec.Balancer.Algorithm);
        Install(spec, restored: null);
        _dirty = true;
        return Task.CompletedTask;
    }

    public Task Remove()
    {
        StopConfigLookup();
        (_spec, _balancer, _counters, _dirty) = (null, null, [], false);
        _ = ForgetAsync();
        return Task.CompletedTask;
    }

    public Task<TargetPick> Pick(ulong excluded, string? hashKey)
    {
        if (_balancer is null || Spec is null) return Task.FromResult(new TargetPick(PickStatus.NotConfigured, -1, ""));
        var pick = _balancer.Choose(excluded, hashKey, time.GetUtcNow(), Spec.Revision);
        if (pick.Status != PickStatus.Picked) return Task.FromResult(pick);
        _counters[pick.TargetIndex].Picks++;
        _dirty = true;
        return Task.FromResult(pick);
    }

    public Task Report(IReadOnlyList<TargetOutcome> outcomes)
    {
        var now = time.GetUtcNow();
        foreach (var outcome in outcomes) Count(outcome, now);
        return Task.CompletedTask;
    }

    private void Count(in TargetOutcome outcome, DateTimeOffset now)
    {
        // A report for an older target list would credit the wrong target: drop it.
        if (Spec is null || outcome.Revision != Spec.Revision) return;
        if ((uint)outcome.TargetIndex >= (uint)_counters.Length) return;
        _balancer?.OnOutcome(outcome.TargetIndex,
            new OutcomeSample(outcome.Success, outcome.LatencyMs, outcome.PromptTokens, outcome.CompletionTokens, now.ToUnixTimeMilliseconds()), now,
            TimeSpan.FromMilliseconds(outcome.CooldownMs));
        var counters = _counters[outcome.TargetIndex];
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
    }

    public Task<RouteBalancerState> GetState()
    {
        var spec = Spec;
        var now = time.GetUtcNow();
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
            Cursor = _balancer?.Algorithm.Cursor ?? 0,
            Revision = spec?.Revision ?? "",
            Silo = silo.SiloAddress.ToString(),
            Targets = spec is null || _balancer is null ? [] : spec.Targets.Select((t, i) => TargetStateOf(i, t, now)).ToArray(),
        });
    }

    /// <summary>One target as the balancer view shows it: its circuit, the algorithm's inputs and its counters.</summary>
    private TargetState TargetStateOf(int index, TargetSpec target, DateTimeOffset now)
    {
        var breaker = _balancer!.Breaker;
        var circuit = breaker.State(index, now);
        var counters = _counters[index];
        return new TargetState
        {
            Index = index,
            Provider = target.Provider,
            Model = target.ModelName,
            Weight = target.Weight,
            Description = target.Description,
            Healthy = circuit == CircuitState.Closed,
            Circuit = circuit switch { CircuitState.Open => "open", CircuitState.HalfOpen => "half-open", _ => "closed" },
            CircuitFails = breaker.Fails(index),
            RetryAt = breaker.RetryAt(index, now),
            CoolingUntil = _balancer.Cooldowns.Until(index, now),
            Inputs = _balancer.Algorithm.Describe(index, now.ToUnixTimeMilliseconds()),
            Picks = counters.Picks,
            Successes = counters.Successes,
            Failures = counters.Failures,
            PromptTokens = counters.PromptTokens,
            CompletionTokens = counters.CompletionTokens,
            TotalTokens = counters.PromptTokens + counters.CompletionTokens,
            AverageLatencyMs = counters.LatencySamples == 0 ? 0 : Math.Round(counters.LatencyTotalMs / counters.LatencySamples, 2),
        };
    }

    private void Install(RouteSpec spec, RouteGrainState? restored)
    {
        _spec = spec;
        _balancer = new GuardedBalancer(spec);
        _counters = restored?.Counters.Count == spec.Targets.Count
            ? restored.Counters.Select(c => c.Copy()).ToArray()
            : spec.Targets.Select(_ => new TargetCounters()).ToArray();
        if (restored?.Balancer is { } checkpoint) _balancer.Algorithm.Restore(checkpoint);
    }

    /// <summary>Writes a snapshot while picks go on; a failed write is tried again at the next tick.</summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (!_dirty || _writing || Spec is null) return;
        var snapshot = new RouteGrainState
        {
            Spec = Spec,
            Balancer = _balancer!.Algorithm.Checkpoint(),
            Counters = _counters.Select(c => c.Copy()).ToArray(),
        };
        (_dirty, _writing) = (false, true);
        try
        {
            await _store.WriteAsync(snapshot);
        }
        catch (Exception ex)
        {
            _dirty = true;
            logger.LogWarning("Checkpoint of route {Route} failed, trying again: {Error}", this.GetPrimaryKeyString(), ex.Message);
        }
        finally
        {
            _writing = false;
        }
    }

    private async Task ForgetAsync()
    {
        try
        {
            await _store.ClearAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning("Stored state of removed route {Route} not cleared: {Error}", this.GetPrimaryKeyString(), ex.Message);
        }
        if (Spec is null) DeactivateOnIdle();
    }

    /// <summary>An activation goes on without what it could not read in time (a stalled Redis, no config grain).</summary>
    private async Task<T?> WithinLimitAsync<T>(Task<T> read, string what) where T : class?
    {
        try
        {
            return await read.WaitAsync(ActivationReadLimit, time);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Route {Route} activates without {What}: {Error}", this.GetPrimaryKeyString(), what, ex.Message);
            return null;
        }
    }
}
