using System.Text.Json.Nodes;
using Actors.Api.Configuration.Schema;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration;

/// <summary>
/// Renders the applied config for <c>GET /config</c>: its version and, under <c>config</c>, a decK document that can
/// be posted again as it is, written by the same field declarations the parser reads with. It holds no secret:
/// credentials exist in the config only as env placeholders.
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

    private static JsonObject Service(ServiceSpec service)
    {
        var written = KongEntitySchema.Service.Write(service) ?? [];
        written["routes"] = new JsonArray(service.Routes.Select(Route).ToArray<JsonNode?>());
        return written;
    }

    private static JsonObject Route(RouteSpec route)
    {
        var written = KongEntitySchema.Route.Write(route) ?? [];
        var proxy = Compact(new JsonObject
        {
            ["name"] = KongPlugins.AiProxyAdvanced,
            ["instance_name"] = route.PluginInstanceName,
            ["config"] = AiProxyAdvancedSchema.Config.Write(route),
        });
        JsonNode?[] plugins = route.KeyAuth is { } keyAuth
            ? [new JsonObject { ["name"] = KongPlugins.KeyAuth, ["config"] = KongEntitySchema.KeyAuth.Write(keyAuth) }, proxy]
            : [proxy];
        written["plugins"] = new JsonArray(plugins);
        return written;
    }

    /// <summary>Drops null members so the output reads like a hand-written decK file.</summary>
    private static JsonObject Compact(JsonObject obj)
    {
        foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList()) obj.Remove(key);
        return obj;
    }
}
