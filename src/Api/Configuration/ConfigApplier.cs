using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration;

/// <summary>Validates a decK document on this node and, only if it is valid, applies it to the whole cluster.</summary>
public sealed class ConfigApplier(IClusterClient cluster, RouteTableHolder table, ConfigSync sync, ProviderRegistry providers, ILogger<ConfigApplier> logger)
{
    public async Task<ConfigParseResult> ApplyAsync(string text, bool json)
    {
        var parsed = new DeckConfigParser(providers, Environment.GetEnvironmentVariable).Parse(text, json);
        if (!parsed.IsValid)
        {
            logger.LogWarning("Config rejected with {Count} problems", parsed.Problems.Count);
            return parsed;
        }
        // This node's version is the floor: a cluster that lost its storage never reissues a version nodes hold.
        var applied = await cluster.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey).Apply(parsed.Config!, table.Current.Version);
        table.Install(applied);
        sync.Applied(applied);
        foreach (var warning in parsed.Warnings) logger.LogWarning("Config version {Version}: {Warning}", applied.Version, warning);
        return parsed with { Config = applied };
    }
}
