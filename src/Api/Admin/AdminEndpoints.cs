using Actors.Api.Cluster;
using Actors.Api.Errors;
using System.Text;
using System.Text.Json;
using Actors.Api.Configuration;
using Actors.Api.Hosting;
using Actors.Api.Proxy;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Options;

namespace Actors.Api.Admin;

/// <summary>The admin API, served only on the admin listener.</summary>
public static class AdminEndpoints
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Json(new { status = "ok" }, Json));
        endpoints.MapGet("/readyz", (RouteTableHolder table, ConfigSync sync) =>
            sync.Connected && table.Current.Version > 0 && sync.ClusterStamp == table.Current.Config.Stamp
                ? Results.Json(new { status = "ready", version = table.Current.Version }, Json)
                : Results.Json(new { status = "not ready", connected = sync.Connected, version = table.Current.Version, cluster_version = sync.ClusterStamp.Version }, Json, statusCode: 503));
        endpoints.MapPost("/config", PostConfigAsync);
        endpoints.MapGet("/config", (RouteTableHolder table) => Results.Json(DeckConfigWriter.Write(table.Current.Config), Json));
        endpoints.MapGet("/routes", (RouteTableHolder table) => Results.Json(new
        {
            version = table.Current.Version,
            routes = table.Current.Routes.Select(r => new { name = r.Name, paths = r.Spec.Paths, algorithm = r.Spec.Balancer.Algorithm, targets = r.Targets.Count }),
        }, Json));
        endpoints.MapGet("/routes/{name}/balancer", GetBalancerAsync);
        endpoints.MapGet("/routes/state", async (RouteTableHolder table, GrainReferences<IRouteGrain> grains) =>
        {
            var states = await Task.WhenAll(table.Current.Routes.OrderBy(r => r.Name, StringComparer.Ordinal)
                .Select(r => grains.For(r.Name).GetState()));
            return Results.Json(new { version = table.Current.Version, routes = states }, Json);
        });
        endpoints.MapGet("/dashboard/routes", () => Results.Content(RoutesPage.Html, "text/html; charset=utf-8"));
    }

    private static async Task PostConfigAsync(HttpContext context, ConfigApplier applier, IOptions<GatewaySettings> options)
    {
        var text = await ReadConfigTextAsync(context, options.Value.MaxConfigBytes);
        if (text is null) return;
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        ConfigParseResult result;
        try
        {
            result = await applier.ApplyAsync(text, json: mediaType is "application/json");
        }
        catch (Exception ex) when (ex is Orleans.Persistence.Redis.RedisStorageException or Orleans.Storage.InconsistentStateException)
        {
            await new GatewayError(503, OpenAIError.Unavailable, "the cluster could not store the config; nothing was applied, try again").WriteAsync(context);
            return;
        }
        if (!result.IsValid)
        {
            await new GatewayError(400, OpenAIError.InvalidRequest, $"invalid configuration: {result.Problems.Count} problem(s); nothing was applied")
                { Problems = result.Problems }.WriteAsync(context);
            return;
        }
        await Results.Json(new
        {
            version = result.Config!.Version,
            routes = result.Config.Routes.Select(r => r.Name),
            warnings = result.Warnings,
        }, Json).ExecuteAsync(context);
    }

    /// <summary>The posted document as text; null after answering 400 when it is too large or not UTF-8.</summary>
    private static async Task<string?> ReadConfigTextAsync(HttpContext context, int limit)
    {
        using var body = await RequestBodies.ReadAsync(context.Request, limit);
        if (body is null)
        {
            await new GatewayError(400, OpenAIError.InvalidRequest, $"the config is larger than {limit} bytes").WriteAsync(context);
            return null;
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.WrittenSpan);
        }
        catch (DecoderFallbackException)
        {
            await new GatewayError(400, OpenAIError.InvalidRequest, "the config is not valid UTF-8").WriteAsync(context);
            return null;
        }
    }

    private static async Task GetBalancerAsync(string name, HttpContext context, RouteTableHolder table, GrainReferences<IRouteGrain> grains)
    {
        if (table.Current.Find(name) is null)
        {
            await new GatewayError(404, OpenAIError.NotFound, $"no route named '{name}'").WriteAsync(context);
            return;
        }
        var state = await grains.For(name).GetState();
        await Results.Json(state, Json).ExecuteAsync(context);
    }
}
