using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Actors.Api.Hosting;
using Actors.Tests.Support;

namespace Actors.Tests.Proxy;

/// <summary>
/// Kong's request-shaping fields through the real pipeline (fake providers on loopback, a scripted picker):
/// <c>response_streaming</c>, <c>max_request_body_size</c>, <c>model_name_header</c>, <c>model_alias</c>, an unset
/// <c>model.name</c>, and the templates in model names and options with a regex route path.
/// </summary>
public sealed class RequestFieldsTests : TestWithUpstreams
{
    private const string Chat = """{"model":"client-model","messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>One route with <paramref name="config"/> lines under the plugin's config and one target per model line.</summary>
    private static string Deck(string name, string path, string config, params string[] models)
    {
        var lines = new List<string>
        {
            "_format_version: \"3.0\"", "services:", $"- name: svc-{name}", "  routes:", $"  - name: {name}", $"    paths: ['{path}']",
            "    plugins:", "    - name: ai-proxy-advanced", "      config:",
        };
        lines.AddRange(config.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "        " + l.Trim()));
        lines.Add("        targets:");
        foreach (var model in models)
        {
            lines.Add($"        - model: {model}");
            lines.Add("          route_type: llm/v1/chat");
            lines.Add("          auth: {header_name: Authorization, header_value: 'Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}'}");
        }
        return string.Join("\n", lines) + "\n";
    }

    private static string Model(string name, string url, string extra = "") =>
        $"{{provider: openai, {name}options: {{upstream_url: '{url}'}}{extra}}}";

    private Task<PipelineHost> HostAsync(string deck, GatewaySettings? gateway = null) => Own(PipelineHost.StartAsync(deck, gateway));

    private static async Task<string> ErrorMessage(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        var error = (await Json(response))["error"]!;
        Assert.Equal("invalid_request_error", (string)error["type"]!);
        return (string)error["message"]!;
    }

    [Fact]
    public async Task Response_streaming_deny_refuses_a_stream_with_400_and_lets_other_requests_through()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Deck("r", "/r", "response_streaming: deny", Model("name: m, ", fake.ChatUrl)));

        using var streaming = await host.ChatAsync("/r", """{"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal("response streaming is not enabled for this LLM", await ErrorMessage(streaming, HttpStatusCode.BadRequest));
        Assert.Equal(0, host.Picker.Picks);

        using var plain = await host.ChatAsync("/r", Chat);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(1, fake.RequestCount);
    }

    [Fact]
    public async Task Response_streaming_always_streams_a_request_that_did_not_ask()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Deck("r", "/r", "response_streaming: always", Model("name: m, ", fake.ChatUrl)));

        using var response = await host.ChatAsync("/r", """{"stream":false,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await response.Content.ReadAsStringAsync();
        Assert.Contains("chat.completion.chunk", events);
        Assert.EndsWith("data: [DONE]", events.TrimEnd());
        var sent = JsonNode.Parse(Assert.Single(fake.Requests).Body)!;
        Assert.True((bool)sent["stream"]!);
    }

    [Fact]
    public async Task Max_request_body_size_is_per_route_with_kongs_default_and_never_above_the_nodes_limit()
    {
        var fake = await FakeAsync();
        var target = Model("name: m, ", fake.ChatUrl);
        var deck = Deck("dflt", "/dflt", "", target) + Deck("small", "/small", "max_request_body_size: 2048", target)[("_format_version: \"3.0\"\nservices:\n".Length)..]
            + Deck("nolimit", "/nolimit", "max_request_body_size: 0", target)[("_format_version: \"3.0\"\nservices:\n".Length)..];
        var host = await HostAsync(deck, new GatewaySettings { MaxRequestBodyBytes = 2 * 1024 * 1024 });
        var large = $$"""{"messages":[{"role":"user","content":"{{new string('a', 1_100_000)}}"}]}""";
        var medium = $$"""{"messages":[{"role":"user","content":"{{new string('a', 3000)}}"}]}""";

        Assert.Contains("larger than 1048576 bytes", await ErrorMessage(await host.ChatAsync("/dflt", large), HttpStatusCode.RequestEntityTooLarge));
        Assert.Contains("larger than 2048 bytes", await ErrorMessage(await host.ChatAsync("/small", medium), HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(HttpStatusCode.OK, (await host.ChatAsync("/dflt", medium)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.ChatAsync("/nolimit", large)).StatusCode);
        var huge = $$"""{"messages":[{"role":"user","content":"{{new string('a', 2_200_000)}}"}]}""";
        Assert.Contains("larger than 2097152 bytes", await ErrorMessage(await host.ChatAsync("/nolimit", huge), HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(2, fake.RequestCount);
    }

    [Fact]
    public async Task Model_name_header_false_leaves_the_header_out()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Deck("off", "/off", "model_name_header: false", Model("name: m, ", fake.ChatUrl))
            + Deck("on", "/on", "", Model("name: m, ", fake.ChatUrl))[("_format_version: \"3.0\"\nservices:\n".Length)..]);

        using var off = await host.ChatAsync("/off", Chat);
        using var on = await host.ChatAsync("/on", Chat);

        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.False(off.Headers.Contains("X-Kong-LLM-Model"));
        Assert.Equal("openai/m", on.Headers.GetValues("X-Kong-LLM-Model").Single());
    }

    [Fact]
    public async Task A_model_that_is_an_alias_goes_to_the_targets_with_that_alias_and_other_models_are_balanced()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Deck("r", "/r", "",
            Model("name: fast-a, ", fake.ChatUrl, ", model_alias: fast"), Model("name: smart, ", fake.ChatUrl, ", model_alias: smart"),
            Model("name: fast-b, ", fake.ChatUrl, ", model_alias: fast"), Model("name: plain, ", fake.ChatUrl)));

        async Task<string> Served(string model)
        {
            using var response = await host.ChatAsync("/r", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (string)(await Json(response))["model"]!;
        }

        Assert.Equal(["smart", "smart", "smart"], [await Served("smart"), await Served("smart"), await Served("smart")]);
        // Both "fast" targets stay eligible: the balancer (here the scripted rotation) chooses between them.
        var fast = new[] { await Served("fast"), await Served("fast"), await Served("fast"), await Served("fast") };
        Assert.Equal(["fast-a", "fast-b"], fast.Distinct().Order());
        var other = new HashSet<string>();
        for (var i = 0; i < 4; i++) other.Add(await Served("gpt-4.1"));
        Assert.Equal(["fast-a", "fast-b", "plain", "smart"], other.Order());
    }

    [Fact]
    public async Task An_unset_model_name_sends_the_requests_model_and_without_one_answers_kongs_400()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Deck("r", "/r", "", Model("", fake.ChatUrl)));

        using var response = await host.ChatAsync("/r", Chat);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("openai/client-model", response.Headers.GetValues("X-Kong-LLM-Model").Single());
        Assert.Equal("client-model", (string)JsonNode.Parse(Assert.Single(fake.Requests).Body)!["model"]!);

        using var none = await host.ChatAsync("/r", """{"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal("model parameter not found in request, nor in gateway configuration", await ErrorMessage(none, HttpStatusCode.BadRequest));
        Assert.Equal(1, fake.RequestCount);
    }

    [Fact]
    public async Task Templates_fill_the_model_and_the_upstream_from_headers_query_and_the_regex_paths_captures()
    {
        var fake = await FakeAsync();
        var url = fake.BaseUrl + "/$(uri_captures.deployment)/v1/chat/completions?region=$(query_params.region)";
        var host = await HostAsync(Deck("r", "~/deployments/(?<deployment>[a-z0-9-]+)/chat$", "", Model("name: '$(headers.x-model)', ", url)));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/deployments/dep-7/chat?region=eu") { Content = new StringContent(Chat, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-model", "gpt-9");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("openai/gpt-9", response.Headers.GetValues("X-Kong-LLM-Model").Single());
        var sent = Assert.Single(fake.Requests);
        Assert.Equal("/dep-7/v1/chat/completions?region=eu", sent.PathAndQuery);
        Assert.Equal("gpt-9", (string)JsonNode.Parse(sent.Body)!["model"]!);

        using var missing = await host.ChatAsync("/deployments/dep-7/chat?region=eu", Chat);
        Assert.Equal("headers key x-model was not provided", await ErrorMessage(missing, HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.NotFound, (await host.ChatAsync("/deployments/Not_Matching/chat", Chat)).StatusCode);
        Assert.Equal(1, fake.RequestCount);
    }
}
