using System.Text.Json.Nodes;
using Actors.Api.Configuration;
using Actors.Api.Hosting;
using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Tests.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Actors.Tests.Hosting;

/// <summary>
/// Refusals outside the pipeline's steps (the node's overload, an unexpected failure) take the shape of the route the
/// path matches, as the pipeline's own do; OpenAI's for a path no route matches and for the admin API.
/// </summary>
public sealed class ErrorShapeLookupTests
{
    private const int AdminPort = 8001;

    private static ErrorShapeLookup Lookup()
    {
        var deck = ProviderDeck.Route("claude", [("openai", "http://127.0.0.1:9")]).Replace("      config:\n", "      config:\n        llm_format: anthropic\n");
        var parsed = new DeckConfigParser(ProviderRegistry.Default, n => ProviderDeck.Environment.GetValueOrDefault(n) ?? "x").Parse(deck, json: false);
        var routes = new RouteTableHolder(ProviderRegistry.Default);
        routes.Install(parsed.Config! with { Version = 1 }, _ => "x");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Admin:Urls"] = $"http://127.0.0.1:{AdminPort}" }).Build();
        return new ErrorShapeLookup(routes, Listeners.FromConfiguration(configuration, []));
    }

    private static DefaultHttpContext Context(string path, int port = 8000) =>
        new() { Request = { Path = path }, Response = { Body = new MemoryStream() }, Connection = { LocalPort = port } };

    private static JsonNode Body(HttpContext context) => JsonNode.Parse(((MemoryStream)context.Response.Body).ToArray())!;

    [Fact]
    public async Task An_overloaded_node_refuses_an_Anthropic_route_with_overloaded_error_and_an_unknown_path_in_OpenAIs_shape()
    {
        var release = new TaskCompletionSource();
        var admission = new NodeAdmission(_ => release.Task, Options.Create(new GatewaySettings { MaxConcurrentRequests = 1 }), Lookup());
        var holding = admission.InvokeAsync(Context("/claude/v1/messages"));
        var (anthropic, unknown) = (Context("/claude/v1/messages"), Context("/elsewhere"));

        await admission.InvokeAsync(anthropic);
        await admission.InvokeAsync(unknown);

        Assert.Equal(503, anthropic.Response.StatusCode);
        Assert.Equal("1", anthropic.Response.Headers.RetryAfter.ToString());
        Assert.Equal("error", (string)Body(anthropic)["type"]!);
        Assert.Equal("overloaded_error", (string)Body(anthropic)["error"]!["type"]!);
        Assert.Contains("requests in flight", (string)Body(anthropic)["error"]!["message"]!);
        Assert.Equal(503, unknown.Response.StatusCode);
        Assert.Equal("service_unavailable_error", (string)Body(unknown)["error"]!["type"]!);
        release.SetResult();
        await holding;
    }

    [Fact]
    public async Task An_unexpected_failure_on_an_Anthropic_route_is_an_api_error_but_on_the_admin_API_stays_OpenAIs()
    {
        var middleware = new ErrorMiddleware(_ => throw new InvalidOperationException("secret internals"), NullLogger<ErrorMiddleware>.Instance, Lookup());
        var (proxied, admin) = (Context("/claude/v1/messages"), Context("/claude/v1/messages", AdminPort));

        await middleware.InvokeAsync(proxied);
        await middleware.InvokeAsync(admin);

        Assert.Equal(500, proxied.Response.StatusCode);
        Assert.Equal("""{"type":"error","error":{"type":"api_error","message":"internal gateway error"}}""", Body(proxied).ToJsonString());
        Assert.Equal(500, admin.Response.StatusCode);
        Assert.Equal("""{"error":{"message":"internal gateway error","type":"api_error"}}""", Body(admin).ToJsonString());
    }
}
