using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Actors.Api.Admin;
using Actors.Api.Cluster;
using Actors.Api.Configuration;
using Actors.Api.Hosting;
using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Grains.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Actors.Tests.Grains.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Actors.Tests.Admin;

/// <summary>
/// A one-silo in-process cluster for the admin API, with storage that can refuse writes, and the provider key its
/// documents name set in this process's environment (an unusual name, read by nothing else).
/// </summary>
public sealed class AdminClusterFixture : IAsyncLifetime
{
    public const string KeyVariable = "DECK_ACTORS_ADMIN_TESTS_KEY";
    public const string Key = "sk-admin-tests-provider-secret-9f8e7d";

    public ScriptedStorage Storage { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(KeyVariable, Key);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Default, Storage));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// <see cref="AdminEndpoints"/> behind ASP.NET's in-memory test server, as the admin listener maps them, on a node
/// of its own (route table, config sync) that is a client of an in-process cluster. Each test starts a new node; the
/// cluster, and so its config version, is shared, so versions are compared with what the test saw before.
/// </summary>
public sealed class AdminEndpointsTests(AdminClusterFixture fixture) : IClassFixture<AdminClusterFixture>
{
    /// <summary>A decK document of one service with one route per name, each with one OpenAI target keyed by <see cref="AdminClusterFixture.KeyVariable"/>.</summary>
    private static string Deck(params string[] routes)
    {
        var text = new StringBuilder("_format_version: \"3.0\"\nservices:\n- name: svc\n  routes:\n");
        foreach (var name in routes)
            text.Append($"  - name: {name}\n    paths: [/{name}]\n").Append("""
                    plugins:
                    - name: ai-proxy-advanced
                      config:
                        balancer:
                          algorithm: round-robin
                        targets:
                        - model:
                            provider: openai
                            name: m
                            options:
                              upstream_url: http://127.0.0.1:9/v1/chat/completions
                          route_type: llm/v1/chat
                          auth:
                            header_name: Authorization
                            header_value: 'Bearer ${{ env "DECK_ACTORS_ADMIN_TESTS_KEY" }}'

                """);
        return text.ToString();
    }

    /// <summary>A body sent without Content-Length (chunked), as a client streaming a file sends it.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>Every string value in a JSON document.</summary>
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    private async Task<WebApplication> StartNodeAsync(int maxConfigBytes = 1 << 20)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(fixture.Cluster.Client)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(ProviderRegistry.Default)
            .AddSingleton<RouteTableHolder>()
            .AddSingleton<ConfigSync>()
            .AddSingleton<ConfigApplier>()
            .AddSingleton(typeof(GrainReferences<>))
            .Configure<GatewaySettings>(s => s.MaxConfigBytes = maxConfigBytes);
        var app = builder.Build();
        AdminEndpoints.Map(app);
        await app.StartAsync();
        return app;
    }

    private static Task<HttpResponseMessage> PostAsync(WebApplication node, string text, string mediaType = "application/yaml") =>
        node.GetTestClient().PostAsync("/config", new StringContent(text, Encoding.UTF8, mediaType));

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private Task<ConfigStamp> ClusterStamp() => fixture.Cluster.Client.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey).GetStamp();

    [Fact]
    public async Task Health_is_always_ok_and_readiness_waits_until_the_node_holds_the_clusters_config()
    {
        await using var node = await StartNodeAsync();
        var client = node.GetTestClient();

        var health = await client.GetAsync("/healthz");
        var before = await client.GetAsync("/readyz");
        var applied = await PostAsync(node, Deck("adm-ready"));
        var after = await client.GetAsync("/readyz");

        Assert.Equal((HttpStatusCode.OK, "ok"), (health.StatusCode, (string?)(await JsonAsync(health))["status"]));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        var notReady = await JsonAsync(before);
        Assert.Equal(("not ready", false, 0L), ((string?)notReady["status"], (bool)notReady["connected"]!, (long)notReady["version"]!));
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var ready = await JsonAsync(after);
        Assert.Equal(("ready", (long)(await JsonAsync(applied))["version"]!), ((string?)ready["status"], (long)ready["version"]!));
    }

    [Fact]
    public async Task A_valid_config_is_applied_to_the_cluster_and_the_node_and_answered_with_its_version_and_routes()
    {
        await using var node = await StartNodeAsync();
        var client = node.GetTestClient();
        var before = await ClusterStamp();

        var response = await PostAsync(node, Deck("adm-a", "adm-b"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await JsonAsync(response);
        Assert.Equal(before.Version + 1, (long)answer["version"]!);
        Assert.Equal(["adm-a", "adm-b"], answer["routes"]!.AsArray().Select(r => (string?)r));
        Assert.IsType<JsonArray>(answer["warnings"]);
        Assert.Equal(before.Version + 1, (await ClusterStamp()).Version);

        var routes = await JsonAsync(await client.GetAsync("/routes"));
        Assert.Equal(before.Version + 1, (long)routes["version"]!);
        var a = routes["routes"]!.AsArray().Single(r => (string?)r!["name"] == "adm-a")!;
        Assert.Equal(("/adm-a", "round-robin", 1), ((string?)a["paths"]![0], (string?)a["algorithm"], (int)a["targets"]!));

        var balancer = await client.GetAsync("/routes/adm-b/balancer");
        Assert.Equal(HttpStatusCode.OK, balancer.StatusCode);
        var balancerState = await JsonAsync(balancer);
        Assert.Equal(("adm-b", true), ((string?)balancerState["route"], (bool)balancerState["configured"]!));
        var state = await JsonAsync(await client.GetAsync("/routes/state"));
        Assert.Equal(["adm-a", "adm-b"], state["routes"]!.AsArray().Select(r => (string?)r!["route"]));
    }

    [Fact]
    public async Task An_invalid_config_is_refused_with_its_problems_and_nothing_is_applied()
    {
        await using var node = await StartNodeAsync();
        var applied = await JsonAsync(await PostAsync(node, Deck("adm-keep")));

        var response = await PostAsync(node, Deck("adm-keep").Replace("algorithm: round-robin", "algorithm: no-such-algorithm") + Deck("adm-new")[Deck().Length..]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.EndsWith("problem(s); nothing was applied", (string?)error["message"]);
        Assert.Contains(error["problems"]!.AsArray(), p => ((string?)p)!.Contains("no-such-algorithm"));
        Assert.Equal((long)applied["version"]!, (await ClusterStamp()).Version);
        var config = await JsonAsync(await node.GetTestClient().GetAsync("/config"));
        Assert.Equal((long)applied["version"]!, (long)config["version"]!);
        Assert.DoesNotContain("adm-new", config.ToJsonString());
    }

    [Fact]
    public async Task The_media_type_decides_between_JSON_and_YAML_whatever_its_case_and_parameters()
    {
        await using var node = await StartNodeAsync();

        var asJson = await PostAsync(node, "{\"services\": [", "Application/JSON");
        var asYaml = await PostAsync(node, "{\"services\": [", "text/yaml");

        Assert.StartsWith("invalid JSON", (string?)(await JsonAsync(asJson))["error"]!["problems"]![0]);
        Assert.StartsWith("invalid YAML", (string?)(await JsonAsync(asYaml))["error"]!["problems"]![0]);
        Assert.Equal(HttpStatusCode.BadRequest, asJson.StatusCode);
    }

    [Fact]
    public async Task A_config_larger_than_the_limit_is_refused_whether_or_not_it_declares_its_length()
    {
        await using var node = await StartNodeAsync(maxConfigBytes: 1024);
        var client = node.GetTestClient();
        var large = Deck("adm-large") + "# " + new string('x', 2048) + "\n";
        var before = await ClusterStamp();

        var declared = await client.PostAsync("/config", new ByteArrayContent(Encoding.UTF8.GetBytes(large)));
        var streamed = await client.PostAsync("/config", new UnsizedContent(Encoding.UTF8.GetBytes(large)));

        foreach (var response in new[] { declared, streamed })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("the config is larger than 1024 bytes", (string?)(await JsonAsync(response))["error"]!["message"]);
        }
        Assert.Equal(before, await ClusterStamp());
        // the same document within the limit is taken
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(node, Deck("adm-large"))).StatusCode);
    }

    [Fact]
    public async Task A_config_that_is_not_UTF8_is_refused()
    {
        await using var node = await StartNodeAsync();
        var bytes = Encoding.UTF8.GetBytes(Deck("adm-latin1")).Concat(new byte[] { (byte)'#', 0xE9, 0xFF, (byte)'\n' }).ToArray();

        var response = await node.GetTestClient().PostAsync("/config", new ByteArrayContent(bytes));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("the config is not valid UTF-8", (string?)(await JsonAsync(response))["error"]!["message"]);
    }

    [Fact]
    public async Task When_the_cluster_cannot_store_the_config_the_answer_is_503_and_nothing_is_applied()
    {
        await using var node = await StartNodeAsync();
        var applied = await JsonAsync(await PostAsync(node, Deck("adm-store")));
        var configGrain = fixture.Cluster.Client.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey).GetGrainId();
        fixture.Storage.Fault(configGrain, WriteFault.Refuse);
        HttpResponseMessage response;
        try
        {
            response = await PostAsync(node, Deck("adm-store", "adm-store-2"));
        }
        finally
        {
            fixture.Storage.Fault(configGrain, WriteFault.None);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal("service_unavailable_error", (string?)error["type"]);
        Assert.Contains("nothing was applied", (string?)error["message"]);
        Assert.Equal((long)applied["version"]!, (await ClusterStamp()).Version);
        Assert.Equal((long)applied["version"]!, (long)(await JsonAsync(await node.GetTestClient().GetAsync("/routes")))["version"]!);
    }

    [Fact]
    public async Task The_balancer_of_a_route_the_node_does_not_have_is_a_404_naming_it()
    {
        await using var node = await StartNodeAsync();

        var response = await node.GetTestClient().GetAsync("/routes/adm-nowhere/balancer");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await JsonAsync(response))["error"]!;
        Assert.Equal(("not_found_error", "no route named 'adm-nowhere'"), ((string?)error["type"], (string?)error["message"]));
    }

    [Fact]
    public async Task The_provider_key_is_in_no_admin_answer_only_its_placeholder_is()
    {
        await using var node = await StartNodeAsync();
        var client = node.GetTestClient();

        var answers = new List<string> { await (await PostAsync(node, Deck("adm-secret"))).Content.ReadAsStringAsync() };
        foreach (var path in new[] { "/config", "/routes", "/routes/state", "/routes/adm-secret/balancer" })
            answers.Add(await client.GetStringAsync(path));

        Assert.All(answers, answer => Assert.DoesNotContain(AdminClusterFixture.Key, answer));
        // GET /config gives the document back with the placeholder, so it can be posted again
        Assert.Contains("Bearer ${{ env \"" + AdminClusterFixture.KeyVariable + "\" }}", Strings(JsonNode.Parse(answers[1])));
    }

    [Fact]
    public async Task The_routes_dashboard_is_the_embedded_page_and_the_state_it_polls_is_served()
    {
        await using var node = await StartNodeAsync();
        var client = node.GetTestClient();

        var page = await client.GetAsync("/dashboard/routes");
        var state = await client.GetAsync("/routes/state");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(RoutesPage.Html, html);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("fetch('/routes/state'", html);
        Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        Assert.IsType<JsonArray>((await JsonAsync(state))["routes"]);
    }
}
