using System.Text.Json.Serialization;

namespace Actors.Grains.Interfaces.Configuration;

/// <summary>
/// The whole gateway configuration as applied by <c>POST /config</c>. It never holds a secret: provider keys stay
/// as <c>${{ env "DECK_..." }}</c> placeholders that each API node resolves from its own environment.
/// It validates itself (<see cref="Validate()"/>), so no grain is ever handed a config that makes it throw.
/// </summary>
[GenerateSerializer, Immutable]
public sealed partial record GatewayConfig
{
    /// <summary>Cluster-wide version, assigned by the config grain on apply; 0 means "nothing applied yet".</summary>
    [Id(0)] public long Version { get; init; }
    [Id(1)] public IReadOnlyList<ServiceSpec> Services { get; init; } = [];
    [Id(2)] public DateTimeOffset AppliedAt { get; init; }
    /// <summary>Kong consumers: who may call routes guarded by <c>key-auth</c>, and their rate limits.</summary>
    [Id(3)] public IReadOnlyList<ConsumerSpec> Consumers { get; init; } = [];
    /// <summary>Drawn when a cluster stores its first config (see <see cref="ConfigStamp"/>).</summary>
    [Id(16)] public string Epoch { get; init; } = "";

    [JsonIgnore] public ConfigStamp Stamp => new(Epoch, Version);

    [JsonIgnore] public IEnumerable<RouteSpec> Routes => Services.SelectMany(s => s.Routes);
}

[GenerateSerializer, Immutable]
public sealed record ServiceSpec
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public IReadOnlyList<RouteSpec> Routes { get; init; } = [];
}

[GenerateSerializer, Immutable]
public sealed partial record RouteSpec
{
    public const string RouteScope = "route";
    public const string ServiceScope = "service";

    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public IReadOnlyList<string> Paths { get; init; } = [];
    [Id(2)] public BalancerSpec Balancer { get; init; } = new();
    [Id(3)] public IReadOnlyList<TargetSpec> Targets { get; init; } = [];
    /// <summary>Where the plugin came from: "route" or "service" (a service-level plugin applies to all its routes).</summary>
    [Id(4)] public string PluginScope { get; init; } = RouteScope;
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
    /// <summary>Kong's <c>response_streaming</c>: <c>allow</c>, <c>deny</c> (refuse streaming requests) or <c>always</c>.</summary>
    [Id(9)] public string ResponseStreaming { get; init; } = ResponseStreamingModes.Allow;
    /// <summary>Kong's default <c>max_request_body_size</c> (3.15): 1 MiB.</summary>
    public const int DefaultMaxRequestBodySize = 1_048_576;

    /// <summary>Kong's <c>max_request_body_size</c> in bytes (0: no limit of its own); null when the file leaves it to the default.</summary>
    [Id(10)] public int? MaxRequestBodySize { get; init; }
    /// <summary>Kong's <c>llm_format</c>: the format clients speak.</summary>
    [Id(11)] public string LlmFormat { get; init; } = LlmFormats.OpenAI;
    /// <summary>Kong's <c>embeddings</c>: the model (provider, name, <c>options.upstream_url</c>, auth) that embeds prompts and target descriptions for <c>semantic</c>.</summary>
    [Id(12)] public TargetSpec? Embeddings { get; init; }
    /// <summary>Kong's <c>vectordb</c>: only <c>distance_metric</c> and <c>threshold</c> act (the few target vectors stay on each API node).</summary>
    [Id(13)] public VectorDbSpec? VectorDb { get; init; }
}

/// <summary>Kong's <c>vectordb</c>. No vector database is used; the strategy and its connection block are accepted and left alone.</summary>
[GenerateSerializer, Immutable]
public sealed record VectorDbSpec
{
    public const string Cosine = "cosine";
    public const string Euclidean = "euclidean";
    public static readonly Choices Metrics = new("distance metric", [Cosine, Euclidean], [Cosine, Euclidean]);

    [Id(0)] public int Dimensions { get; init; }
    [Id(1)] public string DistanceMetric { get; init; } = Cosine;
    [Id(2)] public string Strategy { get; init; } = "redis";
    /// <summary>The largest distance (cosine distance <c>1 - similarity</c>, or euclidean) at which a description still matches; null: any.</summary>
    [Id(3)] public double? Threshold { get; init; }
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
    /// <summary>The digest a consumer key is stored and looked up by: SHA-256, lowercase hex.</summary>
    public static string DigestKey(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    [Id(0)] public string Username { get; init; } = "";
    [Id(1)] public IReadOnlyList<string> KeyDigests { get; init; } = [];
    [Id(2)] public RateLimitSpec? RateLimit { get; init; }
}

/// <summary>A token bucket: <see cref="Limit"/> requests per <see cref="PeriodSeconds"/>, refilled continuously.</summary>
[GenerateSerializer, Immutable]
public sealed partial record RateLimitSpec
{
    [Id(0)] public int Limit { get; init; }
    [Id(1)] public int PeriodSeconds { get; init; }
}

[GenerateSerializer, Immutable]
public sealed partial record BalancerSpec
{
    public const int DefaultTimeoutMs = 60_000;

    [Id(0)] public string Algorithm { get; init; } = BalancerAlgorithms.RoundRobin;
    [Id(1)] public int Retries { get; init; } = 5;
    [Id(2)] public int ConnectTimeoutMs { get; init; } = DefaultTimeoutMs;
    [Id(3)] public int ReadTimeoutMs { get; init; } = DefaultTimeoutMs;
    [Id(4)] public int WriteTimeoutMs { get; init; } = DefaultTimeoutMs;
    /// <summary>Unsuccessful attempts (counted as nginx counts them) after which a target's circuit opens; 0 (Kong's default) turns the breaker off.</summary>
    [Id(5)] public int MaxFails { get; init; }
    /// <summary>How long an open circuit skips the target before one probe request may try it (ms); also the window after which a success resets the count.</summary>
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

[GenerateSerializer, Immutable]
public sealed partial record TargetSpec
{
    public const int DefaultWeight = 100;

    [Id(0)] public string Provider { get; init; } = "";
    /// <summary>Kong's <c>model.name</c>, possibly with templates (<see cref="ModelTemplate"/>); empty when unset: the request's model is used.</summary>
    [Id(1)] public string ModelName { get; init; } = "";
    [Id(2)] public ModelOptions Options { get; init; } = new();
    [Id(3)] public string RouteType { get; init; } = RouteTypes.Chat;
    [Id(4)] public AuthSpec Auth { get; init; } = new();
    [Id(5)] public int Weight { get; init; } = DefaultWeight;
    [Id(6)] public string? Description { get; init; }
    /// <summary>Kong's <c>model.model_alias</c>: a client asking for this model name gets this target.</summary>
    [Id(7)] public string? ModelAlias { get; init; }
    [Id(8)] public TargetLoggingSpec Logging { get; init; } = new();

    /// <summary>The name Kong users' tooling reads from <c>X-Kong-LLM-Model</c>: <c>provider/model</c>.</summary>
    [JsonIgnore] public string QualifiedModel => $"{Provider}/{ModelName}";
}

/// <summary>Kong's <c>targets[].logging</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record TargetLoggingSpec
{
    [Id(0)] public bool LogStatistics { get; init; }
    [Id(1)] public bool LogPayloads { get; init; }
}

[GenerateSerializer, Immutable]
public sealed partial record ModelOptions
{
    [Id(0)] public double? Temperature { get; init; }
    [Id(1)] public int? MaxTokens { get; init; }
    [Id(2)] public double? TopP { get; init; }
    /// <summary>Full URL of the upstream endpoint (path included); may hold an env placeholder.</summary>
    [Id(3)] public string? UpstreamUrl { get; init; }
    [Id(4)] public double? InputCost { get; init; }
    [Id(5)] public double? OutputCost { get; init; }
    [Id(6)] public int? TopK { get; init; }
    /// <summary>
    /// The provider-specific options, flattened with dots as Kong nests them (<c>anthropic_version</c>,
    /// <c>azure_instance</c>, <c>upstream_path</c>, <c>bedrock.aws_region</c>, <c>gemini.project_id</c>, ...), as the
    /// file gave them; booleans as <c>true</c>/<c>false</c>, numbers in invariant culture. Drivers read them with
    /// <see cref="ProviderOption"/>, which falls back to Kong's default.
    /// </summary>
    [Id(7)] public IReadOnlyDictionary<string, string> ProviderOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Kong's defaults for provider-specific options the file may leave out.</summary>
    public static readonly IReadOnlyDictionary<string, string> ProviderOptionDefaults = new Dictionary<string, string>
    {
        ["azure_api_version"] = "2023-05-15",
        ["bedrock.embeddings_normalize"] = "false",
        ["cohere.embedding_input_type"] = "classification",
        ["dashscope.international"] = "true",
    };

    /// <summary>A provider-specific option as configured, else Kong's default, else null.</summary>
    public string? ProviderOption(string key) =>
        ProviderOptions.TryGetValue(key, out var value) ? value : ProviderOptionDefaults.GetValueOrDefault(key);
}

/// <summary>Provider authentication. Values are env placeholders (possibly with literal text around them, e.g. "Bearer ").</summary>
[GenerateSerializer, Immutable]
public sealed partial record AuthSpec
{
    [Id(0)] public string? HeaderName { get; init; }
    [Id(1)] public string? HeaderValue { get; init; }
    [Id(2)] public string? ParamName { get; init; }
    [Id(3)] public string? ParamValue { get; init; }
    /// <summary>"query" or "body".</summary>
    [Id(4)] public string? ParamLocation { get; init; }
    /// <summary>Kong's <c>allow_override</c>: whether a client's own credential may replace this one.</summary>
    [Id(5)] public bool AllowOverride { get; init; }
    [Id(6)] public string? AwsAccessKeyId { get; init; }
    [Id(7)] public string? AwsSecretAccessKey { get; init; }
    [Id(8)] public string? AzureClientId { get; init; }
    [Id(9)] public string? AzureClientSecret { get; init; }
    [Id(10)] public string? AzureTenantId { get; init; }
    [Id(11)] public bool AzureUseManagedIdentity { get; init; }
    [Id(12)] public string? GcpMetadataUrl { get; init; }
    [Id(13)] public string? GcpOauthTokenUrl { get; init; }
    [Id(14)] public string? GcpServiceAccountJson { get; init; }
    [Id(15)] public bool GcpUseServiceAccount { get; init; }
}
