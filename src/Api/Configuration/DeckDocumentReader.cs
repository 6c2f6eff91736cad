using Actors.Api.Configuration.Schema;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration;

/// <summary>
/// The nesting of a decK document that field declarations cannot say: services hold routes, a plugin on a service
/// applies to its routes unless a route has its own, consumers hold keys and a rate limit. Each entity's own fields
/// are read by its declaration; this class remembers where each route and rate limit came from, so the model's
/// problems can be reported at the document's paths.
/// </summary>
internal sealed class DeckDocumentReader(SchemaReader reader)
{
    private readonly Dictionary<RouteSpec, RoutePaths> _routePaths = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<int, string> _rateLimitPaths = [];

    /// <summary>The plugins declared at one level (a service or a route), their config already read.</summary>
    private sealed record Plugins(RouteSpec? Proxy, string? ProxyPath, KeyAuthSpec? KeyAuth)
    {
        public string? ProxyInstance { get; init; }
    }

    private sealed record PluginItem(ConfigMap Map, string Path, PluginEntry Entry);

    public RoutePaths? Locate(int service, int route, RouteSpec spec) => _routePaths.TryGetValue(spec, out var at) ? at : null;

    public string LocateRateLimit(int consumer) =>
        _rateLimitPaths.GetValueOrDefault(consumer) ?? $"consumers[{consumer}].plugins[{KongPlugins.RateLimiting}].config";

    public GatewayConfig Read(ConfigNode root)
    {
        if (root is not ConfigMap map)
        {
            reader.Problem("(root)", root, "must be a mapping with _format_version and services");
            return new GatewayConfig();
        }
        KongEntitySchema.Document.Read(map, reader, "");
        var services = Items(map, "services", "services", (m, p, _) => ReadService(m, p), () => new ServiceSpec());
        var consumers = Items(map, "consumers", "consumers", ReadConsumer, () => new ConsumerSpec());
        return new GatewayConfig { Services = services, Consumers = consumers };
    }

    private ServiceSpec ReadService(ConfigMap map, string path)
    {
        var service = KongEntitySchema.Service.Read(map, reader, path);
        var enabled = ReadFlag(map, "enabled", path) ?? true;
        var plugins = ReadPlugins(map, path);
        var routes = Items(map, "routes", $"{path}.routes", (m, p, _) => ReadRoute(m, p, plugins), placeholder: null);
        return service with { Routes = enabled ? routes : [] };
    }

    private RouteSpec? ReadRoute(ConfigMap map, string path, Plugins fromService)
    {
        var route = KongEntitySchema.Route.Read(map, reader, path);
        var own = ReadPlugins(map, path);
        // A plugin on the route wins over one on its service, as in Kong.
        var chosen = own.ProxyPath is not null ? own : fromService;
        var (proxy, proxyPath) = (chosen.Proxy, chosen.ProxyPath);
        if (proxyPath is null)
        {
            reader.Problem($"{path}.plugins", map, $"the route has no {KongPlugins.AiProxyAdvanced} plugin (on the route or its service)");
            return null;
        }
        if (proxy is null) return null; // its config could not be read; that was reported
        var spec = proxy with
        {
            Name = route.Name,
            Paths = route.Paths,
            PluginScope = own.ProxyPath is null ? RouteSpec.ServiceScope : RouteSpec.RouteScope,
            PluginInstanceName = chosen.ProxyInstance,
            KeyAuth = own.KeyAuth ?? fromService.KeyAuth,
        };
        spec = spec.WithRevision();
        _routePaths[spec] = new RoutePaths(path, $"{proxyPath}.config");
        return spec;
    }

    private Plugins ReadPlugins(ConfigMap owner, string ownerPath)
    {
        var found = new Plugins(null, null, null);
        foreach (var (map, path, entry) in PluginEntries(owner, ownerPath))
        {
            if (entry.Name is not (KongPlugins.AiProxyAdvanced or KongPlugins.KeyAuth))
            {
                reader.Problem($"{path}.name", map["name"], $"plugin '{entry.Name}' is not supported here; supported: {KongPlugins.AiProxyAdvanced}, {KongPlugins.KeyAuth}");
                continue;
            }
            if (!entry.Enabled) continue;
            var twice = entry.Name == KongPlugins.KeyAuth ? found.KeyAuth is not null : found.ProxyPath is not null;
            if (twice) reader.Problem(path, map, $"{entry.Name} is declared twice here; only one is allowed");
            else if (entry.Name == KongPlugins.KeyAuth) found = found with { KeyAuth = ReadConfig(map, path, KongEntitySchema.KeyAuth, required: false) };
            else found = found with { Proxy = ReadConfig(map, path, AiProxyAdvancedSchema.Config, required: true), ProxyPath = path, ProxyInstance = entry.InstanceName };
        }
        return found;
    }

    private ConsumerSpec ReadConsumer(ConfigMap map, string path, int index)
    {
        var consumer = KongEntitySchema.Consumer.Read(map, reader, path);
        var digests = Items(map, "keyauth_credentials", $"{path}.keyauth_credentials", (m, p, _) => ReadKeyDigest(m, p), placeholder: null);
        RateLimitSpec? rateLimit = null;
        foreach (var (plugin, pluginPath, entry) in PluginEntries(map, path))
        {
            if (entry.Name != KongPlugins.RateLimiting)
            {
                reader.Problem($"{pluginPath}.name", plugin["name"], $"plugin '{entry.Name}' is not supported on consumers; supported: {KongPlugins.RateLimiting}");
                continue;
            }
            if (!entry.Enabled) continue;
            rateLimit = ReadConfig(plugin, pluginPath, KongEntitySchema.RateLimiting, required: true);
            _rateLimitPaths[index] = $"{pluginPath}.config";
        }
        return consumer with { KeyDigests = digests, RateLimit = rateLimit };
    }

    /// <summary>A consumer key, kept only as its digest: the cluster and its storage never see the key.</summary>
    private string? ReadKeyDigest(ConfigMap map, string path)
    {
        var key = KongEntitySchema.Credential.Read(map, reader, path).Key;
        if (key is null || reader.Problems.Any(p => p.Path == $"{path}.key")) return null;
        var resolved = EnvPlaceholders.Resolve(key, reader.Environment, out _);
        if (resolved.Length >= 8) return ConsumerSpec.DigestKey(resolved);
        reader.Problem($"{path}.key", map["key"], "must be at least 8 characters");
        return null;
    }

    /// <summary>The plugin entries of a service, route or consumer that name a plugin; their <c>config</c> is read by the caller.</summary>
    private List<PluginItem> PluginEntries(ConfigMap owner, string ownerPath) =>
        Items(owner, "plugins", $"{ownerPath}.plugins", (m, p, _) => new PluginItem(m, p, KongEntitySchema.Plugin.Read(m, reader, p)), placeholder: null)
            .Where(e => e.Entry.Name.Length > 0).ToList();

    /// <summary>A plugin's <c>config</c> read by the plugin's declaration; absent: the defaults, or a problem when <paramref name="required"/>.</summary>
    private T? ReadConfig<T>(ConfigMap plugin, string pluginPath, Entity<T> entity, bool required) where T : class, new()
    {
        var path = $"{pluginPath}.config";
        if (plugin["config"] is not { IsNull: false } node)
        {
            if (required) reader.Problem(path, plugin, "required");
            return required ? null : new T();
        }
        return NodeChecks.ExpectMap(node, reader, path, out var map) ? entity.Read(map, reader, path) : null;
    }

    /// <summary>
    /// The mappings listed under <paramref name="key"/>, each read by <paramref name="read"/>. An item that is not a
    /// mapping is reported and replaced by <paramref name="placeholder"/> (when given), so later items keep their index.
    /// </summary>
    private List<TItem> Items<TItem>(ConfigMap owner, string key, string path, Func<ConfigMap, string, int, TItem?> read, Func<TItem>? placeholder)
    {
        var items = new List<TItem>();
        if (owner[key] is not { IsNull: false } node) return items;
        if (node is not ConfigList list) { reader.Problem(path, node, "must be a list"); return items; }
        for (var i = 0; i < list.Items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            reader.Visit(itemPath, list.Items[i]);
            var item = NodeChecks.ExpectMap(list.Items[i], reader, itemPath, out var map) ? read(map, itemPath, i) : default;
            if (item is not null) items.Add(item);
            else if (placeholder is not null) items.Add(placeholder());
        }
        return items;
    }

    private bool? ReadFlag(ConfigMap map, string key, string path) =>
        map[key] is { IsNull: false } node && FlagType.Instance.TryRead(node, reader, $"{path}.{key}", out var value) ? value : null;
}
