using System.Text.RegularExpressions;
using Actors.Api.Forwarding;
using Actors.Api.Providers;
using Actors.Api.Providers.ClientFormats;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

public sealed class ResolvedRoute(RouteSpec spec, IReadOnlyList<ResolvedTarget> targets)
{
    public RouteSpec Spec { get; } = spec;
    public string Name => Spec.Name;
    public IReadOnlyList<ResolvedTarget> Targets { get; } = targets;

    /// <summary>The route's regex paths (Kong's <c>~</c> paths), in the order the file gives them.</summary>
    public IReadOnlyList<Regex> RegexPaths { get; } = spec.Paths.Where(RoutePathPattern.IsRegex).Select(RoutePathPattern.Compile).ToArray();

    /// <summary>Which targets a request's <c>model</c> leaves out (Kong's <c>model_alias</c>).</summary>
    public ModelAliases Aliases { get; } = new(spec.Targets);

    /// <summary>The <c>semantic</c> algorithm's groups and embeddings endpoint; null for other algorithms.</summary>
    public Semantic.SemanticRoute? Semantic { get; init; }

    /// <summary>The format the route's clients speak (<c>llm_format</c>); null for OpenAI's.</summary>
    public IClientFormat? ClientFormat { get; } = ClientFormatRegistry.Find(spec.LlmFormat);

    /// <summary>The shape of the gateway's own errors to this route's clients: its client format's, else OpenAI's.</summary>
    public Errors.IErrorShape Errors => ClientFormat?.Errors ?? Actors.Api.Errors.OpenAIErrorShape.Instance;

    /// <summary>The part of <paramref name="path"/> after the longest of this route's paths it starts with (<c>/v1/messages</c>).</summary>
    public string SubPath(string path) =>
        path[(Spec.Paths.Where(p => path.StartsWith(p, StringComparison.Ordinal)).Select(p => p.Length).DefaultIfEmpty(0).Max())..];

    /// <summary>What the route's requests are, from its targets' <c>route_type</c> (one per route).</summary>
    public Proxy.Kinds.RequestKind Kind { get; } = Proxy.Kinds.RequestKind.For(spec.Targets.Count > 0 ? spec.Targets[0].RouteType : RouteTypes.Chat);

    /// <summary>The largest request body this route reads on a node whose own limit is <paramref name="nodeLimit"/>.</summary>
    public int MaxRequestBodyBytes(int nodeLimit) => RequestBodyLimit.Effective(Spec.MaxRequestBodySize, nodeLimit);

    /// <summary>Kong's <c>uri_captures</c>: the named group <paramref name="name"/> of the first regex path matching <paramref name="path"/>.</summary>
    public string? UriCapture(string path, string name)
    {
        foreach (var pattern in RegexPaths)
        {
            if (RoutePathPattern.Match(pattern, path) is not { } match) continue;
            return match.Groups.TryGetValue(name, out var group) && group.Success && !int.TryParse(name, out _) ? group.Value : null;
        }
        return null;
    }

    /// <summary>Which failed attempts move the request on to another target, and which count against the target.</summary>
    public FailoverPolicy Failover { get; } = new(spec.Balancer.FailoverCriteria);
}

/// <summary>
/// This node's immutable path → route table for one config version, matching as Kong's router does: regex paths
/// (<c>~...</c>, anchored at the start) first, in the file's order; then prefixes, the longest match winning.
/// </summary>
public sealed class RouteTable
{
    private readonly Dictionary<string, ResolvedRoute>.AlternateLookup<ReadOnlySpan<char>> _byPrefix;
    /// <summary>The distinct prefix lengths, longest first: a match costs one lookup per length, not one per path.</summary>
    private readonly int[] _prefixLengths;
    private readonly Dictionary<string, ResolvedRoute> _byName;
    private readonly Dictionary<string, ConsumerSpec> _consumersByKeyDigest;
    private readonly (Regex Pattern, ResolvedRoute Route)[] _byRegex;

    public static RouteTable Empty { get; } = new(new GatewayConfig(), ProviderRegistry.Default, _ => null);

    public RouteTable(GatewayConfig config, ProviderRegistry providers, Func<string, string?> environment)
    {
        Config = config;
        var routes = config.Routes
            .Select(r => new ResolvedRoute(r, r.Targets.Select((t, i) => ResolvedTarget.Resolve(i, t, providers, environment, ClientFormatRegistry.Find(r.LlmFormat))).ToArray())
                { Semantic = Semantic.SemanticRoute.For(r, providers, environment) })
            .ToArray();
        _byName = routes.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _consumersByKeyDigest = config.Consumers.SelectMany(c => c.KeyDigests.Select(d => (d, c)))
            .ToDictionary(e => e.d, e => e.c, StringComparer.Ordinal);
        var byPrefix = new Dictionary<string, ResolvedRoute>(StringComparer.Ordinal);
        foreach (var route in routes)
            foreach (var path in route.Spec.Paths.Where(p => !RoutePathPattern.IsRegex(p)))
                byPrefix.TryAdd(path, route);
        _byRegex = routes.SelectMany(r => r.RegexPaths.Select(pattern => (pattern, r))).ToArray();
        _byPrefix = byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixLengths = byPrefix.Keys.Select(p => p.Length).Distinct().OrderDescending().ToArray();
    }

    public GatewayConfig Config { get; }
    public long Version => Config.Version;
    public IEnumerable<ResolvedRoute> Routes => _byName.Values;

    public ResolvedRoute? Match(string path)
    {
        foreach (var (pattern, route) in _byRegex)
            if (RoutePathPattern.Match(pattern, path) is not null) return route;
        foreach (var length in _prefixLengths)
            if (length <= path.Length && _byPrefix.TryGetValue(path.AsSpan(0, length), out var route)) return route;
        return null;
    }

    public ResolvedRoute? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The consumer owning a key, found by the key's digest (keys themselves are never stored).</summary>
    public ConsumerSpec? ConsumerByKeyDigest(string digest) => _consumersByKeyDigest.GetValueOrDefault(digest);
}
