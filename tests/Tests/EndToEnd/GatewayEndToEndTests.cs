using System.Net;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.EndToEnd;

/// <summary>
/// The acceptance path: the API as a real process (embedded cluster) started with command-line arguments, two real
/// fake-OpenAI servers on loopback, and the seed decK file with an upstream_url per target.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class GatewayEndToEndTests(ITestOutputHelper output) : GatewayProcessTest
{
    private FakeOpenAIServer _gpt41 = null!;
    private FakeOpenAIServer _gpt5 = null!;

    protected override async Task SetUpAsync()
    {
        _gpt41 = await FakeAsync();
        _gpt5 = await FakeAsync();
    }

    public override async Task DisposeAsync()
    {
        output.WriteLine(Node.Process.Output);
        await base.DisposeAsync();
    }

    private string SeedConfig => SeedFiles.SeedYamlWithUpstreams(_gpt41.ChatUrl, _gpt5.ChatUrl);

    [Fact]
    public async Task The_seed_file_alternates_gpt41_and_gpt5_and_returns_the_providers_answer_unchanged()
    {
        var applied = await Node.PostConfigAsync(SeedConfig);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(1, (long)(await Json(applied))["version"]!);

        var models = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await Node.ChatAsync("/route1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            var body = await Json(response);
            models.Add((string)body["model"]!);
            Assert.Equal($"openai/{body["model"]}", response.Headers.GetValues("X-Kong-LLM-Model").Single());
            Assert.Equal(i % 2 == 0 ? "0" : "1", response.Headers.GetValues("X-Actors-Target").Single());
            Assert.Equal($"Fake answer from {body["model"]}.", (string)body["choices"]![0]!["message"]!["content"]!);
        }

        Assert.Equal(["gpt-4.1", "gpt-5", "gpt-4.1", "gpt-5", "gpt-4.1", "gpt-5"], models);
        Assert.Equal(3, _gpt41.RequestCount);
        Assert.Equal(3, _gpt5.RequestCount);
        foreach (var (fake, model) in new[] { (_gpt41, "gpt-4.1"), (_gpt5, "gpt-5") })
        {
            Assert.All(fake.Requests, request =>
            {
                Assert.Equal($"Bearer {GatewayNode.ApiKey}", request.Headers["Authorization"]);
                var sent = JsonNode.Parse(request.Body)!;
                Assert.Equal(model, (string)sent["model"]!);
                Assert.Equal(1.0, (double)sent["temperature"]!);
                Assert.Equal("Who is considered the greatest Polish writer?", (string)sent["messages"]![0]!["content"]!);
                Assert.Equal("/v1/chat/completions", request.PathAndQuery);
            });
        }
    }

    [Fact]
    public async Task The_balancer_state_shows_the_rotation_counters_tokens_and_silo()
    {
        await Node.PostConfigAsync(SeedConfig);
        for (var i = 0; i < 4; i++) (await Node.ChatAsync("/route1")).Dispose();

        JsonObject state = null!;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            state = (await BalancerAsync("route1")).AsObject();
            if ((long)state["targets"]![1]!["successes"]! == 2) break;
            await Task.Delay(100); // outcomes are reported one-way
        }

        Assert.Equal("round-robin", (string)state["algorithm"]!);
        Assert.Equal(4, (long)state["cursor"]!);
        Assert.StartsWith("S127.0.0.1:", (string)state["silo"]!);
        var targets = state["targets"]!.AsArray();
        Assert.Equal(["gpt-4.1", "gpt-5"], targets.Select(t => (string)t!["model"]!));
        Assert.All(targets, t =>
        {
            Assert.Equal("openai", (string)t!["provider"]!);
            Assert.Equal(2, (long)t["picks"]!);
            Assert.Equal(2, (long)t["successes"]!);
            Assert.Equal(0, (long)t["failures"]!);
            Assert.True((bool)t["healthy"]!);
            Assert.True((long)t["completion_tokens"]! > 0);
        });
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Http.GetAsync(Node.AdminUrl + "/routes/nope/balancer")).StatusCode);
    }

    [Fact]
    public async Task Config_is_returned_without_secrets_and_a_rejected_file_changes_nothing()
    {
        await Node.PostConfigAsync(SeedConfig);

        var bad = await Node.PostConfigAsync(SeedConfig.Replace("name: gpt-5", "name: \"\"").Replace("algorithm: round-robin", "algorithm: semantic"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var error = (await Json(bad))["error"]!;
        Assert.Equal("invalid_request_error", (string)error["type"]!);
        var problems = error["problems"]!.AsArray().Select(p => (string)p!).ToList();
        Assert.Contains(problems, p => p.StartsWith("services[0].routes[0].plugins[0].config.targets[1].model.name: must not be empty (line "));
        Assert.Contains(problems, p => p.StartsWith("services[0].routes[0].plugins[0].config.embeddings: required by the semantic algorithm"));

        var configText = await Node.Http.GetStringAsync(Node.AdminUrl + "/config");
        var config = JsonNode.Parse(configText)!;
        Assert.Equal(1, (long)config["version"]!);
        Assert.DoesNotContain(GatewayNode.ApiKey, configText);
        Assert.Contains("DECK_OPENAI_API_KEY", configText);
        Assert.Equal("gpt-5", (string)config["config"]!["services"]![0]!["routes"]![0]!["plugins"]![0]!["config"]!["targets"]![1]!["model"]!["name"]!);
        using var still = await Node.ChatAsync("/route1");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task A_new_config_replaces_the_old_one_and_removes_absent_routes()
    {
        await Node.PostConfigAsync(SeedConfig);
        var renamed = SeedConfig.Replace("name: route1", "name: route2").Replace("- /route1", "- /route2");

        var applied = await Node.PostConfigAsync(renamed);

        Assert.Equal(2, (long)(await Json(applied))["version"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.ChatAsync("/route1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Node.ChatAsync("/route2")).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_get_openai_shaped_errors_and_the_right_status()
    {
        await Node.PostConfigAsync(SeedConfig);

        async Task Expect(HttpResponseMessage response, HttpStatusCode status, string message)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            var error = (await Json(response))["error"]!;
            Assert.Contains(message, (string)error["message"]!);
            Assert.NotNull((string?)error["type"]);
        }

        await Expect(await Node.ChatAsync("/nowhere"), HttpStatusCode.NotFound, "no Route matched with those values");
        await Expect(await Node.Http.GetAsync(Node.ProxyUrl + "/route1"), HttpStatusCode.MethodNotAllowed, "accepts only POST");
        await Expect(await Node.ChatAsync("/route1", "{}"), HttpStatusCode.BadRequest, "'messages' is required");
        await Expect(await Node.ChatAsync("/route1", "not json"), HttpStatusCode.BadRequest, "not valid JSON");
        await Expect(await Node.ChatAsync("/route1", """{"messages":[]}"""), HttpStatusCode.BadRequest, "must not be empty");
        // the admin API is not reachable through the proxy listener, whatever the Host header says
        var sneaky = new HttpRequestMessage(HttpMethod.Get, Node.ProxyUrl + "/config");
        sneaky.Headers.Host = new Uri(Node.AdminUrl).Authority;
        await Expect(await Node.Http.SendAsync(sneaky), HttpStatusCode.NotFound, "no Route matched");
        await Expect(await Node.Http.GetAsync(Node.AdminUrl + "/nothing-here"), HttpStatusCode.NotFound, "no admin endpoint");
        Assert.Equal(0, _gpt41.RequestCount + _gpt5.RequestCount);
    }

    [Fact]
    public async Task Streamed_responses_pass_through_as_server_sent_events()
    {
        await Node.PostConfigAsync(SeedConfig);

        using var response = await Node.ChatAsync("/route1", """{"messages":[{"role":"user","content":"hi"}],"stream":true}""");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"object\":\"chat.completion.chunk\"", text);
        Assert.EndsWith("data: [DONE]\n\n", text);
    }
}
