using System.Collections.Concurrent;

namespace Actors.Api.Cluster;

/// <summary>
/// Grain references by key, each made once. Orleans resolves the grain interface type by reflection on every
/// <c>GetGrain</c> call; on the proxy path that was about 5% of a request's CPU. References are stateless and stay
/// valid across silo failures, so keeping them is safe. Keys come only from accepted configs (route names,
/// consumer names), which bounds the map.
/// </summary>
public sealed class GrainReferences<TGrain>(IClusterClient cluster) where TGrain : IGrainWithStringKey
{
    private readonly ConcurrentDictionary<string, TGrain> _byKey = new(StringComparer.Ordinal);

    public TGrain For(string key) =>
        _byKey.GetOrAdd(key, static (k, client) => client.GetGrain<TGrain>(k), cluster);
}
