using Actors.Grains.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Logging;

namespace Actors.Grains.Configuration;

[GenerateSerializer]
public sealed class ConfigGrainState
{
    [Id(0)] public GatewayConfig Config { get; set; } = new();
}

public sealed class ConfigGrain(
    [PersistentState("config", StorageNames.Default)] IPersistentState<ConfigGrainState> state,
    ILogger<ConfigGrain> logger) : Grain, IConfigGrain
{
    public async Task<GatewayConfig> Apply(GatewayConfig config)
    {
        var previous = state.State.Config;
        var next = config with { Version = previous.Version + 1, AppliedAt = DateTimeOffset.UtcNow };
        var kept = next.Routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

        // Route grains first: a node that sees the new version must find every route grain already on it.
        await Task.WhenAll(next.Routes.Select(r => GrainFactory.GetGrain<IRouteGrain>(r.Name).Configure(r)));
        await Task.WhenAll(previous.Routes.Where(r => !kept.Contains(r.Name))
            .Select(r => GrainFactory.GetGrain<IRouteGrain>(r.Name).Remove()));

        state.State.Config = next;
        await state.WriteStateAsync();
        logger.LogInformation("Config version {Version} applied with {Count} routes", next.Version, kept.Count);
        return next;
    }

    public Task<long> GetVersion() => Task.FromResult(state.State.Config.Version);

    public Task<GatewayConfig> Get() => Task.FromResult(state.State.Config);
}
