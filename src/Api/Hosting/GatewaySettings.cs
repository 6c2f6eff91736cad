namespace Actors.Api.Hosting;

/// <summary>The <c>Gateway</c> configuration section.</summary>
public sealed class GatewaySettings
{
    public const string SectionName = "Gateway";

    /// <summary>A decK file applied at start (<c>--Gateway:Config file.yaml</c>).</summary>
    public string? Config { get; set; }

    /// <summary>How often the node asks the cluster for the config version; a new version is seen within this.</summary>
    public TimeSpan ConfigPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The node's ceiling on request bodies (nginx's client_max_body_size in Kong): a route reads at most the smaller of this and its max_request_body_size; larger gets 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest config document accepted by <c>POST /config</c>.</summary>
    public int MaxConfigBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long a proxied request keeps retrying a grain call while the cluster recovers from a silo loss.</summary>
    public TimeSpan ClusterCallDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest time from a request's arrival to its response's first byte, across every failover attempt. Each
    /// attempt also has the route's own connect and read timeouts.
    /// </summary>
    public TimeSpan RequestDeadline { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Most proxied requests this node has in flight (0: no limit); more get 503 with <c>Retry-After</c> at once
    /// (<see cref="NodeAdmission"/>). Room for the 2,000 concurrent streams the benchmark opens, with margin.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 4096;

    /// <summary>Most requests one route may have in flight on this node (0: no cap); more get 429 with Retry-After.</summary>
    public int MaxConcurrentRequestsPerRoute { get; set; }

    /// <summary>
    /// Chat requests per warm-up round, sent through a private copy of the pipeline to a loopback stand-in before the
    /// node listens until a round compiles nothing (<see cref="WarmUp.PipelineWarmUp"/>), so the first real requests
    /// do not pay for loading and compiling it; 0: no warm-up, the fastest start.
    /// </summary>
    public int WarmUpRequests { get; set; } = 500;

    public IEnumerable<string> Validate()
    {
        if (WarmUpRequests < 0) yield return "Gateway:WarmUpRequests must be 0 (none) or more";
        if (MaxConcurrentRequests < 0) yield return "Gateway:MaxConcurrentRequests must be 0 (no limit) or more";
        if (MaxConcurrentRequestsPerRoute < 0) yield return "Gateway:MaxConcurrentRequestsPerRoute must be 0 (no cap) or more";
        if (RequestDeadline <= TimeSpan.Zero) yield return "Gateway:RequestDeadline must be positive";
        if (ConfigPollInterval <= TimeSpan.Zero) yield return "Gateway:ConfigPollInterval must be positive";
        if (MaxRequestBodyBytes < 1024) yield return "Gateway:MaxRequestBodyBytes must be at least 1024";
        if (MaxConfigBytes < 1024) yield return "Gateway:MaxConfigBytes must be at least 1024";
        if (ClusterCallDeadline <= TimeSpan.Zero) yield return "Gateway:ClusterCallDeadline must be positive";
        if (Config is not null && !File.Exists(Config)) yield return $"Gateway:Config file '{Config}' does not exist";
    }
}
