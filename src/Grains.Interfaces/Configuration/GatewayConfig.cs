namespace Actors.Grains.Interfaces.Configuration;

/// <summary>
/// The whole gateway configuration as applied by <c>POST /config</c>. It never holds a secret: provider keys stay
/// as <c>${{ env "DECK_..." }}</c> placeholders that each API node resolves from its own environment.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GatewayConfig
{
    /// <summary>Cluster-wide version, assigned by the config grain on apply; 0 means "nothing applied yet".</summary>
    [Id(0)] public long Version { get; init; }
    [Id(1)] public IReadOnlyList<ServiceSpec> Services { get; init; } = [];
    [Id(2)] public DateTimeOffset AppliedAt { get; init; }
    /// <summary>Kong consumers: who may call routes guarded by <c>key-auth</c>, and their rate limits.</summary>
    [Id(3)] public IReadOnlyList<ConsumerSpec> Consumers { get; init; } = [];
    /// <summary>Drawn when a cluster stores its first config (see <see cref="ConfigStamp"/>).</summary>
    [Id(16)] public string Epoch { get; init; } = "";

    public ConfigStamp Stamp => new(Epoch, Version);

    public IEnumerable<RouteSpec> Routes => Services.SelectMany(s => s.Routes);

    /// <summary>The rules the grains rely on; a config that breaks one is never handed to a grain.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var route in Routes)
        {
            if (route.Targets.Count is 0 or > RouteLimits.MaxTargets)
                problems.Add($"route '{route.Name}': 1 to {RouteLimits.MaxTargets} targets");
            if (route.Targets.Any(t => t.Weight < 1)) problems.Add($"route '{route.Name}': weights must be positive");
            if (!BalancerAlgorithms.Supported.Contains(route.Balancer.Algorithm))
                problems.Add($"route '{route.Name}': unknown algorithm '{route.Balancer.Algorithm}'");
        }
        return problems;
    }
}

[GenerateSerializer, Immutable]
public sealed record ServiceSpec
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public IReadOnlyList<RouteSpec> Routes { get; init; } = [];
}

[GenerateSerializer, Immutable]
public sealed record RouteSpec
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public IReadOnlyList<string> Paths { get; init; } = [];
    [Id(2)] public BalancerSpec Balancer { get; init; } = new();
    [Id(3)] public IReadOnlyList<TargetSpec> Targets { get; init; } = [];
    /// <summary>Where the plugin came from: "route" or "service" (a service-level plugin applies to all its routes).</summary>
    [Id(4)] public string PluginScope { get; init; } = "route";
    [Id(5)] public string? PluginInstanceName { get; init; }
    /// <summary>Whether to add the <c>X-Kong-LLM-Model</c> response header (Kong's <c>model_name_header</c>).</summary>
    [Id(6)] public bool ModelNameHeader { get; init; } = true;
    /// <summary>
    /// A digest of everything in this spec. The route grain and the API nodes compare it so that a target index
    /// picked by the grain always means the same target on the node that forwards the request.
    /// </summary>
    [Id(7)] public string Revision { get; init; } = "";
    /// <summary>Kong's <c>key-auth</c> plugin on the route or its service; null when the route is open.</summary>
    [Id(8)] public KeyAuthSpec? KeyAuth { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record KeyAuthSpec
{
    [Id(0)] public IReadOnlyList<string> KeyNames { get; init; } = ["apikey"];
    [Id(1)] public bool KeyInHeader { get; init; } = true;
    [Id(2)] public bool KeyInQuery { get; init; } = true;
}

/// <summary>
/// A consumer. Its keys are kept only as SHA-256 digests: the config travels through the cluster and Redis, and a
/// digest lets a node recognise a key without the key ever being stored.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ConsumerSpec
{
    [Id(0)] public string Username { get; init; } = "";
    [Id(1)] public IReadOnlyList<string> KeyDigests { get; init; } = [];
    [Id(2)] public RateLimitSpec? RateLimit { get; init; }
}

/// <summary>A token bucket: <see cref="Limit"/> requests per <see cref="PeriodSeconds"/>, refilled continuously.</summary>
[GenerateSerializer, Immutable]
public sealed record RateLimitSpec
{
    [Id(0)] public int Limit { get; init; }
    [Id(1)] public int PeriodSeconds { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record BalancerSpec
{
    public const int DefaultTimeoutMs = 60_000;

    [Id(0)] public string Algorithm { get; init; } = BalancerAlgorithms.RoundRobin;
    [Id(1)] public int Retries { get; init; } = 5;
    [Id(2)] public int ConnectTimeoutMs { get; init; } = DefaultTimeoutMs;
    [Id(3)] public int ReadTimeoutMs { get; init; } = DefaultTimeoutMs;
    [Id(4)] public int WriteTimeoutMs { get; init; } = DefaultTimeoutMs;
    /// <summary>Consecutive failures after which a target's circuit opens; 0 turns the breaker off.</summary>
    [Id(5)] public int MaxFails { get; init; } = 3;
    /// <summary>How long an open circuit skips the target before one probe request may try it (ms).</summary>
    [Id(6)] public int FailTimeoutMs { get; init; } = 10_000;
    /// <summary>Which failures move a request on to another target (Kong's <c>failover_criteria</c> names).</summary>
    [Id(7)] public IReadOnlyList<string> FailoverCriteria { get; init; } = FailoverCriterion.Defaults;
    /// <summary><c>lowest-latency</c>: <c>tpot</c> (time per output token) or <c>e2e</c> (whole response).</summary>
    [Id(8)] public string LatencyStrategy { get; init; } = LatencyStrategies.TimePerOutputToken;
    /// <summary><c>lowest-usage</c>: <c>total-tokens</c>, <c>prompt-tokens</c>, <c>completion-tokens</c> or <c>cost</c>.</summary>
    [Id(9)] public string TokensCountStrategy { get; init; } = TokensCountStrategies.Total;
    /// <summary><c>consistent-hashing</c>: the request header whose value picks the target.</summary>
    [Id(10)] public string HashOnHeader { get; init; } = "X-Kong-LLM-Request-ID";
    /// <summary><c>consistent-hashing</c>: ring size; a target gets <c>slots × weight / 10 000</c> points.</summary>
    [Id(11)] public int Slots { get; init; } = 10_000;
}

public static class LatencyStrategies
{
    public const string TimePerOutputToken = "tpot";
    public const string EndToEnd = "e2e";
    public static readonly IReadOnlyList<string> Supported = [TimePerOutputToken, EndToEnd];
}

public static class TokensCountStrategies
{
    public const string Total = "total-tokens";
    public const string Prompt = "prompt-tokens";
    public const string Completion = "completion-tokens";
    public const string Cost = "cost";
    public static readonly IReadOnlyList<string> Supported = [Total, Prompt, Completion, Cost];
}

/// <summary>Kong's <c>balancer.failover_criteria</c> values that this gateway acts on.</summary>
public static class FailoverCriterion
{
    public const string Error = "error";
    public const string Timeout = "timeout";

    /// <summary>Connection failures, timeouts, rate limiting and server errors: all safe to try elsewhere.</summary>
    public static readonly IReadOnlyList<string> Defaults = [Error, Timeout, "http_429", "http_500", "http_502", "http_503", "http_504"];

    public static readonly IReadOnlyList<string> Supported =
        [Error, Timeout, "invalid_header", "http_403", "http_404", "http_429", "http_500", "http_502", "http_503", "http_504", "non_idempotent"];

    public static string ForStatus(int status) => "http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public static class RouteLimits
{
    /// <summary>Targets per route; failover excludes tried targets with a 64-bit mask.</summary>
    public const int MaxTargets = 64;
}

public static class BalancerAlgorithms
{
    public const string RoundRobin = "round-robin";
    public const string LowestLatency = "lowest-latency";
    public const string LowestUsage = "lowest-usage";
    public const string ConsistentHashing = "consistent-hashing";
    public const string Priority = "priority";
    /// <summary>Kong's embeddings-based algorithm: known, not implemented (it needs a vector store).</summary>
    public const string Semantic = "semantic";

    /// <summary>Algorithms this build implements.</summary>
    public static readonly IReadOnlyList<string> Supported = [RoundRobin, LowestLatency, LowestUsage, ConsistentHashing, Priority];

}

[GenerateSerializer, Immutable]
public sealed record TargetSpec
{
    public const int DefaultWeight = 100;

    [Id(0)] public string Provider { get; init; } = "";
    [Id(1)] public string ModelName { get; init; } = "";
    [Id(2)] public ModelOptions Options { get; init; } = new();
    [Id(3)] public string RouteType { get; init; } = RouteTypes.Chat;
    [Id(4)] public AuthSpec Auth { get; init; } = new();
    [Id(5)] public int Weight { get; init; } = DefaultWeight;
    [Id(6)] public string? Description { get; init; }

    /// <summary>The name Kong users' tooling reads from <c>X-Kong-LLM-Model</c>: <c>provider/model</c>.</summary>
    public string QualifiedModel => $"{Provider}/{ModelName}";
}

public static class RouteTypes
{
    public const string Chat = "llm/v1/chat";
    public static readonly IReadOnlyList<string> Supported = [Chat];
}

[GenerateSerializer, Immutable]
public sealed record ModelOptions
{
    [Id(0)] public double? Temperature { get; init; }
    [Id(1)] public int? MaxTokens { get; init; }
    [Id(2)] public double? TopP { get; init; }
    /// <summary>Full URL of the upstream endpoint (path included); may hold an env placeholder.</summary>
    [Id(3)] public string? UpstreamUrl { get; init; }
    [Id(4)] public double? InputCost { get; init; }
    [Id(5)] public double? OutputCost { get; init; }
}

/// <summary>Provider authentication. Values are env placeholders (possibly with literal text around them, e.g. "Bearer ").</summary>
[GenerateSerializer, Immutable]
public sealed record AuthSpec
{
    [Id(0)] public string? HeaderName { get; init; }
    [Id(1)] public string? HeaderValue { get; init; }
    [Id(2)] public string? ParamName { get; init; }
    [Id(3)] public string? ParamValue { get; init; }
    /// <summary>"query" or "body".</summary>
    [Id(4)] public string? ParamLocation { get; init; }
}
