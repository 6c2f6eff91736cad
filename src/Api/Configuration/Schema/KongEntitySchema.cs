using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration.Schema;

/// <summary>A plugin entry of a service, route or consumer, before its <c>config</c> is read by the plugin's own schema.</summary>
internal sealed record PluginEntry
{
    public string Name { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public string? InstanceName { get; init; }
}

/// <summary>A consumer's <c>keyauth_credentials</c> entry.</summary>
internal sealed record KeyCredential
{
    public string? Key { get; init; }
}

/// <summary>
/// The Kong entities around the plugin: the document, services, routes, plugins, consumers and the two plugins a
/// consumer setup uses (<c>key-auth</c>, <c>rate-limiting</c>). Kong's bookkeeping fields (ids, tags, timestamps)
/// and the proxy fields a gateway for LLM routes does not need (a service's host and port) are accepted as ignored.
/// </summary>
internal static class KongEntitySchema
{
    private const string PathsOnly = "routes match on paths only";

    public static readonly Entity<Unbound> Document = Entity<Unbound>.Declare(f =>
    [
        f.Text("_format_version", check: (v, _) => v == "3.0" ? null : $"must be \"3.0\", got \"{v}\"").Required(),
        f.Any("services").Structural().Required(),
        .. f.Structural("consumers"),
        .. f.Ignored("_info", "_konnect", "_transform", "_workspace"),
    ], unknown: key => key.StartsWith('_') ? "unknown field"
        : $"'{key}' entities are not supported by this gateway; only services with routes and the {KongPlugins.AiProxyAdvanced} plugin are");

    public static readonly Entity<ServiceSpec> Service = Entity<ServiceSpec>.Declare(f =>
    [
        f.Text("name", s => s.Name, (s, v) => s with { Name = v }),
        f.Any("routes").Structural().Required(),
        .. f.Structural("plugins", "enabled"),
        .. f.Ignored("id", "host", "port", "protocol", "path", "url", "retries", "connect_timeout", "write_timeout", "read_timeout",
            "tags", "client_certificate", "tls_verify", "tls_verify_depth", "ca_certificates", "created_at", "updated_at"),
    ]);

    public static readonly Entity<RouteSpec> Route = Entity<RouteSpec>.Declare(f =>
    [
        f.Text("name", s => s.Name, (s, v) => s with { Name = v }, notEmpty: true).Required(),
        f.TextList("paths", s => s.Paths, (s, v) => s with { Paths = v }).Required(),
        .. new[] { "methods", "hosts", "headers", "snis", "sources", "destinations" }.Select(n => f.Any(n).NoEffect(PathsOnly)),
        .. f.Structural("plugins"),
        .. f.Ignored("id", "protocols", "strip_path", "preserve_host", "regex_priority", "path_handling", "https_redirect_status_code",
            "request_buffering", "response_buffering", "tags", "service", "created_at", "updated_at"),
    ]);

    public static readonly Entity<PluginEntry> Plugin = Entity<PluginEntry>.Declare(f =>
    [
        f.Text("name", s => s.Name, (s, v) => s with { Name = v }, notEmpty: true).Required(),
        f.Flag("enabled", s => s.Enabled, (s, v) => s with { Enabled = v }),
        f.Text("instance_name", s => s.InstanceName, (s, v) => s with { InstanceName = v }),
        f.Any("consumer").Refused("a plugin scoped to one consumer is not supported; declare it on the route or its service"),
        f.Any("consumer_group").Refused("a plugin scoped to a consumer group is not supported; declare it on the route or its service"),
        f.Any("partials").Refused("partials are not supported; write their fields into the plugin's config"),
        .. f.Structural("config"),
        .. f.Ignored("id", "tags", "protocols", "ordering", "route", "service", "created_at", "updated_at"),
    ]);

    public static readonly Entity<ConsumerSpec> Consumer = Entity<ConsumerSpec>.Declare(f =>
    [
        f.Text("username", s => s.Username, (s, v) => s with { Username = v }, notEmpty: true).Required(),
        .. f.Structural("keyauth_credentials", "plugins"),
        .. f.Ignored("id", "custom_id", "tags", "created_at", "updated_at"),
    ]);

    public static readonly Entity<KeyCredential> Credential = Entity<KeyCredential>.Declare(f =>
    [
        f.Text("key", s => s.Key, (s, v) => s with { Key = v }, env: EnvUse.Allowed).Required(),
        .. f.Ignored("id", "tags", "ttl", "consumer", "created_at"),
    ]);

    public static readonly Entity<KeyAuthSpec> KeyAuth = Entity<KeyAuthSpec>.Declare(f =>
    [
        f.TextList("key_names", s => s.KeyNames, (s, v) => v.Count > 0 ? s with { KeyNames = v } : s),
        f.Flag("key_in_header", s => s.KeyInHeader, (s, v) => s with { KeyInHeader = v }),
        f.Flag("key_in_query", s => s.KeyInQuery, (s, v) => s with { KeyInQuery = v }),
        f.Flag("key_in_body").Refused("is not supported; send the key in a header or the query"),
        f.Any("anonymous").Refused("is not supported"),
        .. f.Ignored("hide_credentials", "run_on_preflight", "realm"),
    ]);

    /// <summary>Kong's periods, shortest first: the shortest one given sets the bucket (e.g. <c>minute: 60</c>).</summary>
    public static readonly Entity<RateLimitSpec> RateLimiting = Entity<RateLimitSpec>.Declare(f =>
    [
        .. RateLimitSpec.Periods.Select(p => f.Int(p.Name, SpecRanges.PositiveInt, s => s.PeriodSeconds == p.Seconds ? s.Limit : null,
            (s, v) => s.PeriodSeconds != 0 ? s : new RateLimitSpec { Limit = v, PeriodSeconds = p.Seconds })),
        .. f.Ignored("limit_by", "policy", "fault_tolerant", "hide_client_headers", "error_code", "error_message"),
    ]);
}
