using System.Text.Json.Nodes;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration;

/// <summary>
/// Renders the applied config for <c>GET /config</c>: its version and, under <c>config</c>, a decK document that can
/// be posted again as it is. It holds no secret: credentials exist in the config only as env placeholders.
/// </summary>
public static class DeckConfigWriter
{
    public static JsonObject Write(GatewayConfig config) => new()
    {
        ["version"] = config.Version,
        ["applied_at"] = config.Version == 0 ? null : config.AppliedAt.ToString("O"),
        ["config"] = Document(config),
        // Consumers' keys are stored only as digests, so they are listed here rather than in the document.
        ["consumers"] = new JsonArray(config.Consumers.Select(c => (JsonNode?)Compact(new JsonObject
        {
            ["username"] = c.Username,
            ["keys"] = c.KeyDigests.Count,
            ["rate_limit"] = c.RateLimit is { } r ? new JsonObject { ["limit"] = r.Limit, ["period_seconds"] = r.PeriodSeconds } : null,
        })).ToArray()),
    };

    public static JsonObject Document(GatewayConfig config) => new()
    {
        ["_format_version"] = "3.0",
        ["services"] = new JsonArray(config.Services.Select(Service).ToArray<JsonNode?>()),
    };

    private static JsonObject Service(ServiceSpec service) => Compact(new JsonObject
    {
        ["name"] = service.Name,
        ["routes"] = new JsonArray(service.Routes.Select(Route).ToArray<JsonNode?>()),
    });

    private static JsonObject Route(RouteSpec route) => new()
    {
        ["name"] = route.Name,
        ["paths"] = new JsonArray(route.Paths.Select(p => (JsonNode?)p).ToArray()),
        ["plugins"] = new JsonArray([.. KeyAuth(route), Compact(new JsonObject
        {
            ["name"] = DeckConfigParser.PluginName,
            ["instance_name"] = route.PluginInstanceName,
            ["config"] = new JsonObject
            {
                ["model_name_header"] = route.ModelNameHeader,
                ["balancer"] = new JsonObject
                {
                    ["algorithm"] = route.Balancer.Algorithm,
                    ["retries"] = route.Balancer.Retries,
                    ["connect_timeout"] = route.Balancer.ConnectTimeoutMs,
                    ["read_timeout"] = route.Balancer.ReadTimeoutMs,
                    ["write_timeout"] = route.Balancer.WriteTimeoutMs,
                    ["max_fails"] = route.Balancer.MaxFails,
                    ["fail_timeout"] = route.Balancer.FailTimeoutMs,
                    ["failover_criteria"] = new JsonArray(route.Balancer.FailoverCriteria.Select(c => (JsonNode?)c).ToArray()),
                    ["latency_strategy"] = route.Balancer.LatencyStrategy,
                    ["tokens_count_strategy"] = route.Balancer.TokensCountStrategy,
                    ["hash_on_header"] = route.Balancer.HashOnHeader,
                    ["slots"] = route.Balancer.Slots,
                },
                ["targets"] = new JsonArray(route.Targets.Select(Target).ToArray<JsonNode?>()),
            },
        })]),
    };

    private static IEnumerable<JsonNode?> KeyAuth(RouteSpec route) => route.KeyAuth is not { } keyAuth ? [] :
    [
        new JsonObject
        {
            ["name"] = DeckConfigParser.KeyAuthPlugin,
            ["config"] = new JsonObject
            {
                ["key_names"] = new JsonArray(keyAuth.KeyNames.Select(n => (JsonNode?)n).ToArray()),
                ["key_in_header"] = keyAuth.KeyInHeader,
                ["key_in_query"] = keyAuth.KeyInQuery,
            },
        },
    ];

    private static JsonObject Target(TargetSpec target) => Compact(new JsonObject
    {
        ["model"] = Compact(new JsonObject
        {
            ["provider"] = target.Provider,
            ["name"] = target.ModelName,
            ["options"] = Compact(new JsonObject
            {
                ["temperature"] = target.Options.Temperature,
                ["max_tokens"] = target.Options.MaxTokens,
                ["top_p"] = target.Options.TopP,
                ["upstream_url"] = target.Options.UpstreamUrl,
                ["input_cost"] = target.Options.InputCost,
                ["output_cost"] = target.Options.OutputCost,
            }),
        }),
        ["route_type"] = target.RouteType,
        ["auth"] = Compact(new JsonObject
        {
            ["header_name"] = target.Auth.HeaderName,
            ["header_value"] = target.Auth.HeaderValue,
            ["param_name"] = target.Auth.ParamName,
            ["param_value"] = target.Auth.ParamValue,
            ["param_location"] = target.Auth.ParamLocation,
        }),
        ["weight"] = target.Weight,
        ["description"] = target.Description,
    });

    /// <summary>Drops null members so the output reads like a hand-written decK file.</summary>
    private static JsonObject Compact(JsonObject obj)
    {
        foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList()) obj.Remove(key);
        return obj;
    }
}
