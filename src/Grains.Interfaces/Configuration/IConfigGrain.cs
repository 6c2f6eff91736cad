namespace Actors.Grains.Interfaces.Configuration;

/// <summary>
/// The single holder of the gateway configuration (key 0). API nodes poll <see cref="GetVersion"/> and fetch the
/// config when it changes; applying pushes each route's spec to its route grain first, so that a node that sees
/// the new version finds the route grains already on it.
/// </summary>
public interface IConfigGrain : IGrainWithIntegerKey
{
    public const long SingletonKey = 0;

    /// <summary>Replaces the whole configuration; returns it as stored, with its new version. It must be validated already.</summary>
    Task<GatewayConfig> Apply(GatewayConfig config);

    [AlwaysInterleave, ResponseTimeout("00:00:01.5")]
    Task<long> GetVersion();

    [AlwaysInterleave]
    Task<GatewayConfig> Get();
}
