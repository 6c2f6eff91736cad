namespace Actors.Grains.Interfaces.Configuration;

/// <summary>
/// The single holder of the gateway configuration (key 0) and the cluster's source of truth for it. API nodes poll
/// <see cref="GetStamp"/> and fetch the config when it changes; route grains ask <see cref="GetRoute"/> when they
/// activate. A config is applied if and only if it was stored: <see cref="Apply"/> writes first, then publishes.
/// </summary>
public interface IConfigGrain : IGrainWithIntegerKey
{
    public const long SingletonKey = 0;

    /// <summary>
    /// Stores <paramref name="config"/> as the next version, then configures its route grains; returns it as stored.
    /// The version is above both the cluster's and <paramref name="floorVersion"/> (the caller's own), so a cluster
    /// that lost its storage never hands out a version a node already holds. Throws when storage fails: nothing
    /// is applied then.
    /// </summary>
    Task<GatewayConfig> Apply(GatewayConfig config, long floorVersion);

    /// <summary>
    /// Offered by an API node whose config is newer than the cluster's (the cluster lost its storage): taken only
    /// while the cluster holds no config at all. Returns the cluster's config afterwards.
    /// </summary>
    Task<GatewayConfig> Restore(GatewayConfig config);

    [AlwaysInterleave, ResponseTimeout("00:00:01.5")]
    Task<ConfigStamp> GetStamp();

    [AlwaysInterleave]
    Task<GatewayConfig> Get();

    /// <summary>The spec of one route as stored (interleaved, so a route grain activated by an apply can ask).</summary>
    [AlwaysInterleave, ResponseTimeout("00:00:01.5")]
    Task<RouteLookup> GetRoute(string name);
}

/// <summary>
/// Which config a node or the cluster holds. The epoch is drawn when a cluster stores its first config: a cluster
/// that lost its storage starts a new epoch, so its version 1 is never mistaken for an older node's version 1.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct ConfigStamp([property: Id(0)] string Epoch, [property: Id(1)] long Version);

/// <summary>A route's spec in the cluster's config; <see cref="Spec"/> is null when the route is not in it.</summary>
[GenerateSerializer, Immutable]
public sealed record RouteLookup([property: Id(0)] long Version, [property: Id(1)] RouteSpec? Spec);
