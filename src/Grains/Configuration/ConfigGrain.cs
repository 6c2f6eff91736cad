using Actors.Grains.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Actors.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Actors.Grains.Configuration;

[GenerateSerializer]
public sealed record ConfigGrainState
{
    [Id(0)] public GatewayConfig Config { get; init; } = new();
}

/// <summary>
/// Holds the cluster's config. An apply is stored before anything sees it; then the route grains are configured
/// and only then is the new version published to the API nodes, so a node that sees a version finds its route
/// grains on it. A route grain that could not be reached is configured again every second until it answers.
/// </summary>
public sealed class ConfigGrain(TimeProvider time, ILogger<ConfigGrain> logger) : Grain, IConfigGrain
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private GrainStateStore<ConfigGrainState> _store = null!;
    /// <summary>What storage holds: route grains read their spec from it.</summary>
    private GatewayConfig _stored = new();
    /// <summary>What API nodes are told: the stored config once its route grains were configured.</summary>
    private GatewayConfig _published = new();
    private readonly HashSet<string> _unconfigured = new(StringComparer.Ordinal);
    /// <summary>
    /// A write that failed may still land later (a Redis stall: the client timed out, the server did not): storage
    /// is then written back to <see cref="_stored"/> until that succeeds, so an apply that answered an error never
    /// comes back with the next activation.
    /// </summary>
    private bool _storageDiffers;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        _store = new GrainStateStore<ConfigGrainState>(storage, "config", this.GetGrainId(), logger);
        _stored = _published = (await _store.ReadAsync())?.Config ?? new GatewayConfig();
        this.RegisterGrainTimer(RepairAsync, RetryInterval, RetryInterval);
    }

    public async Task<GatewayConfig> Apply(GatewayConfig config, long floorVersion)
    {
        var problems = config.Validate();
        if (problems.Count > 0) throw new ArgumentException("invalid config: " + string.Join("; ", problems));
        var next = config with
        {
            Version = Math.Max(_stored.Version, floorVersion) + 1,
            Epoch = _stored.Epoch is { Length: > 0 } epoch ? epoch : NewEpoch(),
            AppliedAt = time.GetUtcNow(),
        };
        await StoreAndPublishAsync(next);
        logger.LogInformation("Config version {Version} applied with {Count} routes", next.Version, next.Routes.Count());
        return next;
    }

    public async Task<GatewayConfig> Restore(GatewayConfig config)
    {
        if (_stored.Version > 0 || config.Version == 0) return _published;
        logger.LogWarning("The cluster had no config; restoring version {Version} offered by an API node", config.Version);
        await StoreAndPublishAsync(config);
        return _published;
    }

    public Task<ConfigStamp> GetStamp() => Task.FromResult(_published.Stamp);

    public Task<GatewayConfig> Get() => Task.FromResult(_published);

    public Task<RouteLookup> GetRoute(string name) =>
        Task.FromResult(new RouteLookup(_stored.Version, _stored.Routes.FirstOrDefault(r => r.Name == name)));

    private async Task StoreAndPublishAsync(GatewayConfig next)
    {
        try
        {
            await _store.WriteAsync(new ConfigGrainState { Config = next });
        }
        catch
        {
            _storageDiffers = true;
            throw;
        }
        _storageDiffers = false;
        var previous = _stored;
        _stored = next;
        var kept = next.Routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        _unconfigured.Clear();
        await Task.WhenAll(next.Routes.Select(ConfigureAsync).Concat(
            previous.Routes.Where(r => !kept.Contains(r.Name)).Select(r => RemoveAsync(r.Name))));
        _published = next;
    }

    private async Task ConfigureAsync(RouteSpec route)
    {
        try
        {
            await GrainFactory.GetGrain<IRouteGrain>(route.Name).Configure(route);
            _unconfigured.Remove(route.Name);
        }
        catch (Exception ex)
        {
            _unconfigured.Add(route.Name);
            logger.LogWarning("Route {Route} not configured yet, trying again: {Error}", route.Name, ex.Message);
        }
    }

    private async Task RemoveAsync(string route)
    {
        try
        {
            await GrainFactory.GetGrain<IRouteGrain>(route).Remove();
        }
        catch (Exception ex)
        {
            // Its next activation asks for its spec, finds none and stays unconfigured.
            logger.LogWarning("Route {Route} not told of its removal: {Error}", route, ex.Message);
        }
    }

    private async Task RepairAsync(CancellationToken cancellationToken)
    {
        if (_storageDiffers) await RewriteStoredAsync();
        if (_unconfigured.Count > 0)
            await Task.WhenAll(_stored.Routes.Where(r => _unconfigured.Contains(r.Name)).ToList().Select(ConfigureAsync));
    }

    private async Task RewriteStoredAsync()
    {
        try
        {
            await _store.WriteAsync(new ConfigGrainState { Config = _stored });
            _storageDiffers = false;
        }
        catch (Exception ex)
        {
            logger.LogWarning("Config storage not written back yet: {Error}", ex.Message);
        }
    }

    private static string NewEpoch() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
}
