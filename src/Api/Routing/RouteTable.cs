using Actors.Api.Forwarding;
using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

public sealed class ResolvedRoute(RouteSpec spec, IReadOnlyList<ResolvedTarget> targets)
{
    public RouteSpec Spec { get; } = spec;
    public string Name => Spec.Name;
    public IReadOnlyList<ResolvedTarget> Targets { get; } = targets;

    /// <summary>Which failed attempts move the request on to another target, and which count against the target.</summary>
    public FailoverPolicy Failover { get; } = new(spec.Balancer.FailoverCriteria);
}

/// <summary>
/// This node's immutable path → route table for one config version. Paths are prefixes and the longest match
/// wins, as in Kong's router.
/// </summary>
public sealed class RouteTable
{
    private readonly Dictionary<string, ResolvedRoute>.AlternateLookup<ReadOnlySpan<char>> _byPrefix;
    /// <summary>The distinct prefix lengths, longest first: a match costs one lookup per length, not one per path.</summary>
    private readonly int[] _prefixLengths;
    private readonly Dictionary<string, ResolvedRoute> _byName;
    private readonly Dictionary<string, ConsumerSpec> _consumersByKeyDigest;

    public static RouteTable Empty { get; } = new(new GatewayConfig(), ProviderRegistry.Default, _ => null);

    public RouteTable(GatewayConfig config, ProviderRegistry providers, Func<string, string?> environment)
    {
        Config = config;
        var routes = config.Routes
            .Select(r => new ResolvedRoute(r, r.Targets.Select((t, i) => ResolvedTarget.Resolve(i, t, providers, environment)).ToArray()))
            .ToArray();
        _byName = routes.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _consumersByKeyDigest = config.Consumers.SelectMany(c => c.KeyDigests.Select(d => (d, c)))
            .ToDictionary(e => e.d, e => e.c, StringComparer.Ordinal);
        var byPrefix = new Dictionary<string, ResolvedRoute>(StringComparer.Ordinal);
        foreach (var route in routes)
            foreach (var path in route.Spec.Paths)
                byPrefix.TryAdd(path, route);
        _byPrefix = byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixLengths = byPrefix.Keys.Select(p => p.Length).Distinct().OrderDescending().ToArray();
    }

    public GatewayConfig Config { get; }
    public long Version => Config.Version;
    public IEnumerable<ResolvedRoute> Routes => _byName.Values;

    public ResolvedRoute? Match(string path)
    {
        foreach (var length in _prefixLengths)
            if (length <= path.Length && _byPrefix.TryGetValue(path.AsSpan(0, length), out var route)) return route;
        return null;
    }

    public ResolvedRoute? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The consumer owning a key, found by the key's digest (keys themselves are never stored).</summary>
    public ConsumerSpec? ConsumerByKeyDigest(string digest) => _consumersByKeyDigest.GetValueOrDefault(digest);
}
