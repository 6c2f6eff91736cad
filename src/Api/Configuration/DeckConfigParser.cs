using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration;

/// <summary>
/// Reads a Kong decK file (<c>_format_version: "3.0"</c>, services → routes → plugin <c>ai-proxy-advanced</c>) into a
/// <see cref="GatewayConfig"/>, collecting every problem with its path instead of stopping at the first.
/// Fields Kong defines that this gateway does not act on are accepted and ignored (listed in the README);
/// anything else is reported, so a typo never silently changes behaviour.
/// </summary>
public sealed class DeckConfigParser(ProviderRegistry providers, Func<string, string?> environment)
{
    public const string PluginName = "ai-proxy-advanced";
    public const string KeyAuthPlugin = "key-auth";
    public const string RateLimitingPlugin = "rate-limiting";

    private static readonly HashSet<string> TopLevelIgnored = ["_format_version", "_info", "_konnect", "_transform", "_workspace", "services", "consumers"];
    private static readonly HashSet<string> ServiceKeys =
    [
        "id", "name", "host", "port", "protocol", "path", "url", "retries", "connect_timeout", "write_timeout",
        "read_timeout", "tags", "client_certificate", "tls_verify", "tls_verify_depth", "ca_certificates", "enabled",
        "routes", "plugins", "created_at", "updated_at",
    ];
    private static readonly HashSet<string> RouteKeys =
    [
        "id", "name", "paths", "methods", "hosts", "headers", "protocols", "snis", "sources", "destinations",
        "strip_path", "preserve_host", "regex_priority", "path_handling", "https_redirect_status_code",
        "request_buffering", "response_buffering", "tags", "service", "plugins", "created_at", "updated_at",
    ];
    private static readonly HashSet<string> PluginKeys =
        ["id", "name", "config", "enabled", "instance_name", "tags", "protocols", "ordering", "route", "service", "created_at", "updated_at"];
    private static readonly HashSet<string> PluginConfigKeys =
    [
        "targets", "balancer", "model_name_header", "response_streaming", "max_request_body_size", "llm_format",
        "genai_category", "embeddings", "vectordb",
    ];
    private static readonly HashSet<string> BalancerKeys =
    [
        "algorithm", "retries", "connect_timeout", "read_timeout", "write_timeout", "tokens_count_strategy",
        "latency_strategy", "hash_on_header", "slots", "failover_criteria", "max_fails", "fail_timeout",
    ];
    private static readonly HashSet<string> TargetKeys = ["model", "route_type", "auth", "weight", "description", "logging"];
    private static readonly HashSet<string> ModelKeys = ["provider", "name", "options"];
    private static readonly HashSet<string> OptionKeys =
    [
        "temperature", "max_tokens", "top_p", "top_k", "upstream_url", "upstream_path", "input_cost", "output_cost",
        "anthropic_version", "azure_instance", "azure_api_version", "azure_deployment_id", "mistral_format",
        "llama2_format", "embeddings_dimensions", "bedrock", "gemini", "huggingface", "cohere",
    ];
    private static readonly HashSet<string> AuthKeys =
        ["header_name", "header_value", "param_name", "param_value", "param_location", "allow_override"];

    private List<string> _problems = [];

    public ConfigParseResult Parse(string text, bool json)
    {
        _problems = [];
        ConfigNode root;
        try
        {
            root = ConfigNodeReader.Read(text, json);
        }
        catch (ConfigFormatException ex)
        {
            return new ConfigParseResult(null, [ex.Message]);
        }
        var config = ReadRoot(root);
        return _problems.Count == 0 ? new ConfigParseResult(config, []) : new ConfigParseResult(null, _problems);
    }

    private GatewayConfig ReadRoot(ConfigNode root)
    {
        if (root is not ConfigMap map)
        {
            Problem("(root)", "must be a mapping with _format_version and services");
            return new GatewayConfig();
        }
        foreach (var (key, _) in map.Entries)
        {
            if (!TopLevelIgnored.Contains(key))
                Problem(key, key.StartsWith('_') ? "unknown field" : $"'{key}' entities are not supported by this gateway; only services with routes and the {PluginName} plugin are");
        }
        var version = ReadString(map, "_format_version", "_format_version", required: true);
        if (version is not null && version != "3.0") Problem("_format_version", $"must be \"3.0\", got \"{version}\"");

        var services = new List<ServiceSpec>();
        var list = ReadList(map, "services", "services", required: true);
        if (list is not null)
        {
            for (var i = 0; i < list.Items.Count; i++)
            {
                var service = ReadService(list.Items[i], $"services[{i}]");
                if (service is not null) services.Add(service);
            }
        }
        CheckUniqueness(services);
        var consumers = ReadConsumers(map);
        foreach (var route in services.SelectMany(s => s.Routes).Where(r => r.KeyAuth is not null && consumers.Count == 0).Take(1))
            Problem("consumers", $"route '{route.Name}' uses key-auth but no consumer has a key");
        return new GatewayConfig { Services = services, Consumers = consumers };
    }

    private static readonly HashSet<string> ConsumerKeys = ["id", "username", "custom_id", "tags", "keyauth_credentials", "plugins", "created_at"];
    private static readonly HashSet<string> RateLimitKeys =
        ["second", "minute", "hour", "day", "limit_by", "policy", "fault_tolerant", "hide_client_headers", "error_code", "error_message"];

    private List<ConsumerSpec> ReadConsumers(ConfigMap root)
    {
        var consumers = new List<ConsumerSpec>();
        var list = ReadList(root, "consumers", "consumers", required: false);
        if (list is null) return consumers;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = $"consumers[{i}]";
            if (!ExpectMap(list.Items[i], path, out var map)) continue;
            CheckKeys(map, path, ConsumerKeys);
            var username = ReadString(map, "username", $"{path}.username", required: true);
            if (username is not null && !names.Add(username)) Problem($"{path}.username", $"consumer '{username}' is declared more than once");

            var keys = new List<string>();
            var credentials = ReadList(map, "keyauth_credentials", $"{path}.keyauth_credentials", required: false);
            for (var k = 0; credentials is not null && k < credentials.Items.Count; k++)
            {
                var keyPath = $"{path}.keyauth_credentials[{k}]";
                if (!ExpectMap(credentials.Items[k], keyPath, out var credential)) continue;
                var key = ReadString(credential, "key", $"{keyPath}.key", required: true, allowEnv: true);
                if (key is null) continue;
                var resolved = EnvPlaceholders.Resolve(key, environment, out _);
                if (resolved.Length < 8) { Problem($"{keyPath}.key", "must be at least 8 characters"); continue; }
                var digest = KeyDigest(resolved);
                if (!digests.TryAdd(digest, username ?? "")) Problem($"{keyPath}.key", $"the same key is already given to consumer '{digests[digest]}'");
                keys.Add(digest);
            }

            RateLimitSpec? rateLimit = null;
            var plugins = ReadList(map, "plugins", $"{path}.plugins", required: false);
            for (var p = 0; plugins is not null && p < plugins.Items.Count; p++)
            {
                var pluginPath = $"{path}.plugins[{p}]";
                if (!ExpectMap(plugins.Items[p], pluginPath, out var plugin)) continue;
                CheckKeys(plugin, pluginPath, PluginKeys);
                var name = ReadString(plugin, "name", $"{pluginPath}.name", required: true);
                if (name != RateLimitingPlugin)
                {
                    if (name is not null) Problem($"{pluginPath}.name", $"plugin '{name}' is not supported on consumers; supported: {RateLimitingPlugin}");
                    continue;
                }
                rateLimit = ReadRateLimit(plugin, $"{pluginPath}.config");
            }
            if (username is not null) consumers.Add(new ConsumerSpec { Username = username, KeyDigests = keys, RateLimit = rateLimit });
        }
        return consumers;
    }

    /// <summary>Kong's rate-limiting fields; the shortest period given sets the bucket (e.g. <c>minute: 60</c>).</summary>
    private RateLimitSpec? ReadRateLimit(ConfigMap plugin, string path)
    {
        if (plugin["config"] is not { } node || !ExpectMap(node, path, out var config)) { Problem(path, "required"); return null; }
        CheckKeys(config, path, RateLimitKeys);
        foreach (var (key, seconds) in new[] { ("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400) })
        {
            if (ReadInt(config, key, $"{path}.{key}", 1, int.MaxValue) is { } limit) return new RateLimitSpec { Limit = limit, PeriodSeconds = seconds };
        }
        Problem(path, "needs one of second, minute, hour or day");
        return null;
    }

    public static string KeyDigest(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static readonly HashSet<string> KeyAuthKeys = ["key_names", "key_in_header", "key_in_query", "key_in_body", "hide_credentials", "anonymous", "run_on_preflight", "realm"];

    private KeyAuthSpec? ReadKeyAuth(ConfigMap plugin, string pluginPath)
    {
        var path = $"{pluginPath}.config";
        if (plugin["config"] is not { } node || IsNull(node)) return new KeyAuthSpec();
        if (!ExpectMap(node, path, out var config)) return null;
        CheckKeys(config, path, KeyAuthKeys);
        if (ReadBool(config, "key_in_body", $"{path}.key_in_body") == true) Problem($"{path}.key_in_body", "is not supported; send the key in a header or the query");
        if (ReadString(config, "anonymous", $"{path}.anonymous", required: false) is not null) Problem($"{path}.anonymous", "is not supported");
        var names = new List<string>();
        var list = ReadList(config, "key_names", $"{path}.key_names", required: false);
        for (var i = 0; list is not null && i < list.Items.Count; i++)
            if (ScalarString(list.Items[i], $"{path}.key_names[{i}]") is { Length: > 0 } keyName) names.Add(keyName);
        var spec = new KeyAuthSpec();
        return spec with
        {
            KeyNames = names.Count > 0 ? names : spec.KeyNames,
            KeyInHeader = ReadBool(config, "key_in_header", $"{path}.key_in_header") ?? true,
            KeyInQuery = ReadBool(config, "key_in_query", $"{path}.key_in_query") ?? true,
        };
    }

    private ServiceSpec? ReadService(ConfigNode node, string path)
    {
        if (!ExpectMap(node, path, out var map)) return null;
        CheckKeys(map, path, ServiceKeys);
        var name = ReadString(map, "name", $"{path}.name", required: false);
        var enabled = ReadBool(map, "enabled", $"{path}.enabled") ?? true;
        var servicePlugins = ReadPlugins(map, path);
        var routes = new List<RouteSpec>();
        var list = ReadList(map, "routes", $"{path}.routes", required: true);
        if (list is not null)
        {
            for (var i = 0; i < list.Items.Count; i++)
            {
                var route = ReadRoute(list.Items[i], $"{path}.routes[{i}]", servicePlugins);
                if (route is not null && enabled) routes.Add(route);
            }
        }
        return new ServiceSpec { Name = name, Routes = routes };
    }

    /// <summary>The plugins declared at one level (a service or a route).</summary>
    private sealed record Plugins((ConfigMap Plugin, string Path)? Proxy, KeyAuthSpec? KeyAuth);

    private Plugins ReadPlugins(ConfigMap owner, string ownerPath)
    {
        var list = ReadList(owner, "plugins", $"{ownerPath}.plugins", required: false);
        if (list is null) return new Plugins(null, null);
        (ConfigMap, string)? found = null;
        KeyAuthSpec? keyAuth = null;
        for (var i = 0; i < list.Items.Count; i++)
        {
            var path = $"{ownerPath}.plugins[{i}]";
            if (!ExpectMap(list.Items[i], path, out var plugin)) continue;
            CheckKeys(plugin, path, PluginKeys);
            var name = ReadString(plugin, "name", $"{path}.name", required: true);
            if (name is null) continue;
            if (name is not (PluginName or KeyAuthPlugin))
            {
                Problem($"{path}.name", $"plugin '{name}' is not supported here; supported: {PluginName}, {KeyAuthPlugin}");
                continue;
            }
            if (ReadBool(plugin, "enabled", $"{path}.enabled") == false) continue;
            if (name == KeyAuthPlugin)
            {
                if (keyAuth is not null) Problem(path, $"{KeyAuthPlugin} is declared twice here; only one is allowed");
                keyAuth = ReadKeyAuth(plugin, path);
            }
            else if (found is not null) Problem(path, $"{PluginName} is declared twice here; only one is allowed");
            else found = (plugin, path);
        }
        return new Plugins(found, keyAuth);
    }

    private RouteSpec? ReadRoute(ConfigNode node, string path, Plugins servicePlugins)
    {
        if (!ExpectMap(node, path, out var map)) return null;
        CheckKeys(map, path, RouteKeys);
        var name = ReadString(map, "name", $"{path}.name", required: true);
        if (name is not null && !IsValidRouteName(name))
            Problem($"{path}.name", "may contain only letters, digits and . _ ~ -");

        var paths = new List<string>();
        var pathList = ReadList(map, "paths", $"{path}.paths", required: true);
        if (pathList is not null)
        {
            if (pathList.Items.Count == 0) Problem($"{path}.paths", "must list at least one path");
            for (var i = 0; i < pathList.Items.Count; i++)
            {
                var p = ScalarString(pathList.Items[i], $"{path}.paths[{i}]");
                if (p is null) continue;
                if (p.StartsWith('~')) Problem($"{path}.paths[{i}]", "regex paths are not supported; use a prefix such as /route1");
                else if (!p.StartsWith('/')) Problem($"{path}.paths[{i}]", "must start with /");
                else paths.Add(p);
            }
        }

        // A plugin on the route wins over one on its service, as in Kong.
        var routePlugins = ReadPlugins(map, path);
        var routePlugin = routePlugins.Proxy;
        var plugin = routePlugin ?? servicePlugins.Proxy;
        if (plugin is null)
        {
            Problem($"{path}.plugins", $"the route has no {PluginName} plugin (on the route or its service)");
            return null;
        }
        var scope = routePlugin is null ? "service" : "route";
        var spec = ReadPluginConfig(plugin.Value.Plugin, plugin.Value.Path);
        if (spec is null || name is null) return null;
        spec = spec with
        {
            Name = name,
            Paths = paths,
            PluginScope = scope,
            PluginInstanceName = ReadString(plugin.Value.Plugin, "instance_name", $"{plugin.Value.Path}.instance_name", required: false),
            KeyAuth = routePlugins.KeyAuth ?? servicePlugins.KeyAuth,
        };
        return spec with { Revision = Revision(spec) };
    }

    private RouteSpec? ReadPluginConfig(ConfigMap plugin, string pluginPath)
    {
        var path = $"{pluginPath}.config";
        if (plugin["config"] is not { } configNode) { Problem(path, "required"); return null; }
        if (!ExpectMap(configNode, path, out var config)) return null;
        CheckKeys(config, path, PluginConfigKeys);

        var llmFormat = ReadString(config, "llm_format", $"{path}.llm_format", required: false);
        if (llmFormat is not null && llmFormat != "openai") Problem($"{path}.llm_format", "only \"openai\" is supported");
        var modelNameHeader = ReadBool(config, "model_name_header", $"{path}.model_name_header") ?? true;
        var balancer = ReadBalancer(config, $"{path}.balancer");

        var targets = new List<TargetSpec>();
        var list = ReadList(config, "targets", $"{path}.targets", required: true);
        if (list is not null)
        {
            if (list.Items.Count == 0) Problem($"{path}.targets", "must list at least one target");
            if (list.Items.Count > RouteLimits.MaxTargets) Problem($"{path}.targets", $"may list at most {RouteLimits.MaxTargets} targets");
            for (var i = 0; i < list.Items.Count; i++)
            {
                var target = ReadTarget(list.Items[i], $"{path}.targets[{i}]");
                if (target is not null) targets.Add(target);
            }
        }
        return new RouteSpec { Balancer = balancer, Targets = targets, ModelNameHeader = modelNameHeader };
    }

    private BalancerSpec ReadBalancer(ConfigMap config, string path)
    {
        var spec = new BalancerSpec();
        if (config["balancer"] is not { } node || IsNull(node)) return spec;
        if (!ExpectMap(node, path, out var map)) return spec;
        CheckKeys(map, path, BalancerKeys);
        var algorithm = ReadString(map, "algorithm", $"{path}.algorithm", required: false) ?? BalancerAlgorithms.RoundRobin;
        if (!BalancerAlgorithms.Supported.Contains(algorithm))
        {
            var known = algorithm == BalancerAlgorithms.Semantic
                ? "is not supported yet (it needs embeddings and a vector store)"
                : "is not a known algorithm";
            Problem($"{path}.algorithm", $"'{algorithm}' {known}; supported: {string.Join(", ", BalancerAlgorithms.Supported)}");
        }
        return spec with
        {
            Algorithm = algorithm,
            Retries = ReadInt(map, "retries", $"{path}.retries", 0, 32767) ?? spec.Retries,
            ConnectTimeoutMs = ReadInt(map, "connect_timeout", $"{path}.connect_timeout", 1, int.MaxValue - 1) ?? spec.ConnectTimeoutMs,
            ReadTimeoutMs = ReadInt(map, "read_timeout", $"{path}.read_timeout", 1, int.MaxValue - 1) ?? spec.ReadTimeoutMs,
            WriteTimeoutMs = ReadInt(map, "write_timeout", $"{path}.write_timeout", 1, int.MaxValue - 1) ?? spec.WriteTimeoutMs,
            MaxFails = ReadInt(map, "max_fails", $"{path}.max_fails", 0, 1000) ?? spec.MaxFails,
            FailTimeoutMs = ReadInt(map, "fail_timeout", $"{path}.fail_timeout", 1, int.MaxValue - 1) ?? spec.FailTimeoutMs,
            FailoverCriteria = ReadCriteria(map, $"{path}.failover_criteria") ?? spec.FailoverCriteria,
            LatencyStrategy = ReadChoice(map, "latency_strategy", $"{path}.latency_strategy", LatencyStrategies.Supported) ?? spec.LatencyStrategy,
            TokensCountStrategy = ReadChoice(map, "tokens_count_strategy", $"{path}.tokens_count_strategy", TokensCountStrategies.Supported) ?? spec.TokensCountStrategy,
            HashOnHeader = ReadHeaderName(map, $"{path}.hash_on_header") ?? spec.HashOnHeader,
            Slots = ReadInt(map, "slots", $"{path}.slots", 10, 65536) ?? spec.Slots,
        };
    }

    private string? ReadChoice(ConfigMap map, string key, string path, IReadOnlyList<string> choices)
    {
        var value = ReadString(map, key, path, required: false);
        if (value is null || choices.Contains(value)) return value;
        Problem(path, $"'{value}' is not supported; supported: {string.Join(", ", choices)}");
        return null;
    }

    private string? ReadHeaderName(ConfigMap map, string path)
    {
        var value = ReadString(map, "hash_on_header", path, required: false);
        if (value is null) return null;
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c))) return value;
        Problem(path, "must be an HTTP header name");
        return null;
    }

    private IReadOnlyList<string>? ReadCriteria(ConfigMap balancer, string path)
    {
        var list = ReadList(balancer, "failover_criteria", path, required: false);
        if (list is null) return null;
        var criteria = new List<string>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var value = ScalarString(list.Items[i], $"{path}[{i}]");
            if (value is null) continue;
            if (!FailoverCriterion.Supported.Contains(value))
                Problem($"{path}[{i}]", $"'{value}' is not a failover criterion; supported: {string.Join(", ", FailoverCriterion.Supported)}");
            else criteria.Add(value);
        }
        return criteria;
    }

    private TargetSpec? ReadTarget(ConfigNode node, string path)
    {
        if (!ExpectMap(node, path, out var map)) return null;
        CheckKeys(map, path, TargetKeys);

        string? provider = null, modelName = null;
        var options = new ModelOptions();
        if (map["model"] is not { } modelNode) Problem($"{path}.model", "required");
        else if (ExpectMap(modelNode, $"{path}.model", out var model))
        {
            CheckKeys(model, $"{path}.model", ModelKeys);
            provider = ReadString(model, "provider", $"{path}.model.provider", required: true);
            if (provider is not null && providers.Find(provider) is null)
                Problem($"{path}.model.provider", $"provider '{provider}' is not supported; supported: {string.Join(", ", providers.Names)}");
            modelName = ReadString(model, "name", $"{path}.model.name", required: true);
            options = ReadOptions(model, $"{path}.model.options");
        }

        var routeType = ReadString(map, "route_type", $"{path}.route_type", required: true);
        if (routeType is not null && !RouteTypes.Supported.Contains(routeType))
            Problem($"{path}.route_type", $"'{routeType}' is not supported; supported: {string.Join(", ", RouteTypes.Supported)}");

        var auth = ReadAuth(map, $"{path}.auth");
        var weight = ReadInt(map, "weight", $"{path}.weight", 1, 65535) ?? TargetSpec.DefaultWeight;
        var description = ReadString(map, "description", $"{path}.description", required: false);

        if (provider is null || modelName is null || routeType is null) return null;
        if (options.UpstreamUrl is null && providers.Find(provider) is { } driver
            && driver.ResolveUrl(new ProviderTarget { Provider = provider, ModelName = modelName }, null, stream: false) is null)
            Problem($"{path}.model.options.upstream_url", $"required for provider '{provider}'");
        return new TargetSpec
        {
            Provider = provider, ModelName = modelName, Options = options, RouteType = routeType, Auth = auth,
            Weight = weight, Description = description,
        };
    }

    private ModelOptions ReadOptions(ConfigMap model, string path)
    {
        if (model["options"] is not { } node || IsNull(node)) return new ModelOptions();
        if (!ExpectMap(node, path, out var map)) return new ModelOptions();
        CheckKeys(map, path, OptionKeys);
        var url = ReadString(map, "upstream_url", $"{path}.upstream_url", required: false, allowEnv: true);
        if (url is not null) CheckUrl(url, $"{path}.upstream_url");
        return new ModelOptions
        {
            Temperature = ReadNumber(map, "temperature", $"{path}.temperature", 0, 5),
            MaxTokens = ReadInt(map, "max_tokens", $"{path}.max_tokens", 1, int.MaxValue),
            TopP = ReadNumber(map, "top_p", $"{path}.top_p", 0, 1),
            UpstreamUrl = url,
            InputCost = ReadNumber(map, "input_cost", $"{path}.input_cost", 0, double.MaxValue),
            OutputCost = ReadNumber(map, "output_cost", $"{path}.output_cost", 0, double.MaxValue),
        };
    }

    private AuthSpec ReadAuth(ConfigMap target, string path)
    {
        if (target["auth"] is not { } node || IsNull(node)) return new AuthSpec();
        if (!ExpectMap(node, path, out var map)) return new AuthSpec();
        CheckKeys(map, path, AuthKeys);
        if (ReadBool(map, "allow_override", $"{path}.allow_override") == true)
            Problem($"{path}.allow_override", "is not supported: the client's credentials are never forwarded to the provider");

        var headerName = ReadString(map, "header_name", $"{path}.header_name", required: false);
        var headerValue = ReadSecret(map, "header_value", $"{path}.header_value");
        if (IsAbsent(map["header_name"]) != IsAbsent(map["header_value"]))
            Problem(path, "header_name and header_value must be given together");

        var paramName = ReadString(map, "param_name", $"{path}.param_name", required: false);
        var paramValue = ReadSecret(map, "param_value", $"{path}.param_value");
        var paramLocation = ReadString(map, "param_location", $"{path}.param_location", required: false);
        if (IsAbsent(map["param_name"]) != IsAbsent(map["param_value"]))
            Problem(path, "param_name and param_value must be given together");
        if (paramName is not null && paramLocation is null) Problem($"{path}.param_location", "required with param_name (query or body)");
        if (paramLocation is not null && paramLocation is not ("query" or "body"))
            Problem($"{path}.param_location", "must be query or body");

        return new AuthSpec
        {
            HeaderName = headerName, HeaderValue = headerValue, ParamName = paramName, ParamValue = paramValue,
            ParamLocation = paramLocation,
        };
    }

    /// <summary>
    /// A credential. It must come from the environment: the config travels through the cluster and its storage,
    /// and a literal key there would be a leaked key.
    /// </summary>
    private string? ReadSecret(ConfigMap map, string key, string path)
    {
        var value = ReadString(map, key, path, required: false, allowEnv: true);
        if (value is null) return null;
        if (EnvPlaceholders.Names(value).Count == 0)
        {
            Problem(path, "must reference an environment variable, e.g. Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}; literal credentials are not stored in the cluster");
            return null;
        }
        return value;
    }

    private void CheckUrl(string value, string path)
    {
        var resolved = EnvPlaceholders.Resolve(value, environment, out _);
        if (!Uri.TryCreate(resolved, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            Problem(path, "must be an absolute http or https URL");
    }

    private void CheckUniqueness(List<ServiceSpec> services)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var s = 0;
        foreach (var service in services)
        {
            foreach (var route in service.Routes)
            {
                if (!names.TryAdd(route.Name, s)) Problem($"services[{s}].routes", $"route name '{route.Name}' is used more than once");
                foreach (var p in route.Paths)
                {
                    if (!paths.TryAdd(p, route.Name))
                        Problem($"services[{s}].routes", $"path '{p}' of route '{route.Name}' is already used by route '{paths[p]}'");
                }
            }
            s++;
        }
    }

    private static bool IsValidRouteName(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~');

    /// <summary>A short digest of the spec, so grain and API node can tell whether they mean the same target list.</summary>
    private static string Revision(RouteSpec spec)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(spec with { Revision = "" });
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
    }

    // ---- typed readers; each reports its own problem and returns null on error or absence ----

    private void Problem(string path, string message) => _problems.Add($"{path}: {message}");

    private static bool IsNull(ConfigNode node) => node is ConfigScalar { Text: null };

    private static bool IsAbsent(ConfigNode? node) => node is null || IsNull(node);

    private bool ExpectMap(ConfigNode node, string path, out ConfigMap map)
    {
        if (node is ConfigMap m) { map = m; return true; }
        map = null!;
        Problem(path, "must be a mapping (object)");
        return false;
    }

    private void CheckKeys(ConfigMap map, string path, HashSet<string> known)
    {
        foreach (var (key, _) in map.Entries)
            if (!known.Contains(key)) Problem($"{path}.{key}", "unknown field");
    }

    private ConfigList? ReadList(ConfigMap map, string key, string path, bool required)
    {
        var node = map[key];
        if (node is null || IsNull(node))
        {
            if (required) Problem(path, "required");
            return null;
        }
        if (node is ConfigList list) return list;
        Problem(path, "must be a list");
        return null;
    }

    private string? ReadString(ConfigMap map, string key, string path, bool required, bool allowEnv = false)
    {
        var node = map[key];
        if (node is null || IsNull(node))
        {
            if (required) Problem(path, "required");
            return null;
        }
        var value = ScalarString(node, path);
        if (value is null) return null;
        if (required && value.Length == 0) { Problem(path, "must not be empty"); return null; }
        return CheckPlaceholders(value, path, allowEnv) ? value : null;
    }

    private string? ScalarString(ConfigNode node, string path)
    {
        if (node is ConfigScalar { Text: { } text }) return text;
        Problem(path, "must be a string");
        return null;
    }

    private bool CheckPlaceholders(string value, string path, bool allowEnv)
    {
        if (!EnvPlaceholders.Contains(value)) return true;
        if (!allowEnv)
        {
            Problem(path, "env placeholders are supported only in auth values and model.options.upstream_url");
            return false;
        }
        if (!EnvPlaceholders.IsWellFormed(value))
        {
            Problem(path, "malformed placeholder; the syntax is ${{ env \"DECK_NAME\" }}");
            return false;
        }
        var ok = true;
        foreach (var name in EnvPlaceholders.Names(value))
        {
            if (!name.StartsWith(EnvPlaceholders.RequiredPrefix, StringComparison.Ordinal))
            {
                Problem(path, $"environment variable '{name}' must start with {EnvPlaceholders.RequiredPrefix}");
                ok = false;
            }
            else if (environment(name) is null)
            {
                Problem(path, $"environment variable '{name}' is not set on this node");
                ok = false;
            }
        }
        return ok;
    }

    private bool? ReadBool(ConfigMap map, string key, string path)
    {
        if (map[key] is not ConfigScalar { Text: { } text } scalar) return TypeCheck<bool>(map[key], path, "a boolean");
        if (!scalar.IsString && bool.TryParse(text, out var value)) return value;
        Problem(path, "must be a boolean");
        return null;
    }

    private int? ReadInt(ConfigMap map, string key, string path, int min, int max)
    {
        if (map[key] is not ConfigScalar { Text: { } text } scalar) return TypeCheck<int>(map[key], path, "an integer");
        if (scalar.IsString || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Problem(path, "must be an integer");
            return null;
        }
        if (value < min || value > max) { Problem(path, $"must be between {min} and {max}"); return null; }
        return (int)value;
    }

    private double? ReadNumber(ConfigMap map, string key, string path, double min, double max)
    {
        if (map[key] is not ConfigScalar { Text: { } text } scalar) return TypeCheck<double>(map[key], path, "a number");
        if (scalar.IsString || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Problem(path, "must be a number");
            return null;
        }
        if (value < min || value > max) { Problem(path, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}"); return null; }
        return value;
    }

    /// <summary>Absent or null is fine (null result); a list or mapping where a scalar belongs is a problem.</summary>
    private T? TypeCheck<T>(ConfigNode? node, string path, string expected) where T : struct
    {
        if (node is null || IsNull(node)) return null;
        Problem(path, $"must be {expected}");
        return null;
    }
}
