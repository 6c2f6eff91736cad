using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Actors.Api.Picking;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;

namespace Actors.Tests.Providers.ClientFormats;

/// <summary>
/// The gateway's own errors (key-auth, body limit, request checks, every target down) through the pipeline, in the
/// shape of the route's <c>llm_format</c>: Anthropic's, Google's and AWS's, and OpenAI's unchanged for an OpenAI route.
/// </summary>
public sealed class GatewayErrorShapeTests : TestWithUpstreams
{
    private const string Ask = """{"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"Who is the greatest Polish writer?"}]}""";
    private const string ConsumerKey = "dora-key-5b8e1c";

    /// <summary>A route <c>/{name}</c> in <paramref name="format"/> over <paramref name="targets"/>; <paramref name="config"/> adds plugin settings.</summary>
    private static string Deck(string format, string name, IEnumerable<(string Provider, string BaseUrl)> targets, string config = "",
        string balancer = "algorithm: round-robin") =>
        ProviderDeck.Route(name, targets, balancer).Replace("      config:\n", $"      config:\n        llm_format: {format}\n{config}");

    /// <summary>The route guarded by key-auth (the key in <c>x-api-key</c>, as Anthropic's API takes it), one consumer.</summary>
    private static string KeyAuth(string deck) =>
        deck.Replace("    plugins:\n", "    plugins:\n    - name: key-auth\n      config: {key_names: [x-api-key]}\n")
        + $"consumers:\n- username: dora\n  keyauth_credentials:\n  - key: {ConsumerKey}\n";

    private async Task<PipelineHost> HostAsync(string deck) => await Own(PipelineHost.StartAsync(deck, environment: ProviderDeck.Environment));

    /// <summary>An upstream nobody listens on: every attempt is refused.</summary>
    private static string DeadUpstream => $"http://127.0.0.1:{FreePorts.Next()}";

    private static Task<HttpResponseMessage> PostAsync(PipelineHost host, string path, string body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("x-api-key", key);
        return host.Client.SendAsync(request);
    }

    /// <summary>The response is <paramref name="status"/> with Anthropic's error body, of <paramref name="type"/>, whose message says <paramref name="saying"/>.</summary>
    private static async Task AssertAnthropicErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type, string saying)
    {
        Assert.Equal(status, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal(type, root.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(saying, root.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Without_a_key_or_with_a_wrong_one_an_Anthropic_client_gets_authentication_error()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(KeyAuth(Deck("anthropic", "claude", [("openai", fake.BaseUrl)])));

        using var none = await PostAsync(host, "/claude/v1/messages", Ask);
        using var wrong = await PostAsync(host, "/claude/v1/messages", Ask, "not-a-key");
        using var right = await PostAsync(host, "/claude/v1/messages", Ask, ConsumerKey);

        await AssertAnthropicErrorAsync(none, HttpStatusCode.Unauthorized, "authentication_error", "No API key found in request");
        Assert.Equal("Key realm=\"actors\"", none.Headers.WwwAuthenticate.ToString());
        await AssertAnthropicErrorAsync(wrong, HttpStatusCode.Unauthorized, "authentication_error", "Invalid authentication credentials");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(1, fake.RequestCount);
    }

    [Fact]
    public async Task The_Anthropic_SDK_surfaces_a_gateway_401_as_its_unauthorized_exception_with_the_gateways_message()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(KeyAuth(Deck("anthropic", "claude", [("openai", fake.BaseUrl)])));
        // This SDK sends its key as a bearer token, not in x-api-key: to the route's key-auth it has no key at all.
        var sdk = new AnthropicClient { ApiKey = "not-a-consumers-key", BaseUrl = "http://localhost/claude", HttpClient = host.Client, MaxRetries = 0 };

        var refused = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => sdk.Messages.Create(new MessageCreateParams
        {
            MaxTokens = 100,
            Model = "claude-any",
            Messages = [new UserMessageParam("hi")],
        }));

        Assert.Equal("No API key found in request", refused.ApiMessage);
        Assert.Equal(0, fake.RequestCount);
    }

    [Fact]
    public async Task A_body_over_the_routes_limit_is_request_too_large()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Deck("anthropic", "claude", [("openai", fake.BaseUrl)], "        max_request_body_size: 1024\n"));
        var large = Ask.Replace("Who is", "Who is " + new string('x', 2000));

        using var response = await PostAsync(host, "/claude/v1/messages", large);

        await AssertAnthropicErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large", "larger than 1024 bytes");
        Assert.Equal(0, fake.RequestCount);
    }

    [Fact]
    public async Task A_stream_the_route_denies_is_an_invalid_request_error()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Deck("anthropic", "claude", [("openai", fake.BaseUrl)], "        response_streaming: deny\n"));

        using var response = await PostAsync(host, "/claude/v1/messages", Ask.Replace("{", """{"stream":true,"""));

        await AssertAnthropicErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "response streaming is not enabled for this LLM");
    }

    [Fact]
    public async Task When_every_target_is_unreachable_the_Anthropic_client_gets_a_502_api_error()
    {
        var host = await HostAsync(Deck("anthropic", "claude", [("openai", DeadUpstream), ("openai", DeadUpstream)], balancer: "algorithm: round-robin, retries: 1"));

        using var response = await PostAsync(host, "/claude/v1/messages", Ask);

        await AssertAnthropicErrorAsync(response, HttpStatusCode.BadGateway, "api_error", "the providers of route 'claude' could not be reached");
        Assert.Equal(2, host.Picker.Picks);
    }

    [Fact]
    public async Task When_every_targets_circuit_is_open_the_Anthropic_client_gets_a_503_overloaded_error()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Deck("anthropic", "claude", [("openai", fake.BaseUrl)]));
        host.Picker.Script = (_, _) => new PickResult(PickOutcome.NoTarget, -1);

        using var response = await PostAsync(host, "/claude/v1/messages", Ask);

        await AssertAnthropicErrorAsync(response, HttpStatusCode.ServiceUnavailable, "overloaded_error", "no available target");
        Assert.Equal(0, fake.RequestCount);
    }

    [Fact]
    public async Task When_the_target_does_not_answer_in_time_the_Anthropic_client_gets_a_504_timeout_error()
    {
        // The provider holds its answer far longer than the route waits: the timeout is certain however slow the machine.
        var fake = await FakeAsync(new FakeBehavior { DelayMs = 5000 });
        var host = await HostAsync(Deck("anthropic", "claude", [("openai", fake.BaseUrl)], balancer: "algorithm: round-robin, read_timeout: 200"));

        using var response = await PostAsync(host, "/claude/v1/messages", Ask);

        await AssertAnthropicErrorAsync(response, HttpStatusCode.GatewayTimeout, "timeout_error", "the providers of route 'claude' did not answer within the timeout");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_stream_the_provider_breaks_off_ends_with_Anthropics_error_event_which_the_SDK_raises(string provider)
    {
        var fake = await FakeAsync(new FakeBehavior { CutStream = true });
        var host = await HostAsync(Deck("anthropic", "claude", [(provider, fake.BaseUrl)]));

        using var response = await PostAsync(host, "/claude/v1/messages", Ask.Replace("{", """{"stream":true,"""));
        var events = await response.Content.ReadAsStringAsync();   // ends: the gateway closes the stream after the event

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("event: content_block_delta", events);
        Assert.EndsWith("""event: error""" + "\n" + """data: {"type":"error","error":{"type":"api_error","message":"the provider's stream for route 'claude' broke off before its end"}}""" + "\n\n", events);
        Assert.DoesNotContain("message_stop", events);
        Assert.False(Assert.Single(await host.Picker.WaitForReportsAsync(1)).Success);

        var sdk = new AnthropicClient { ApiKey = "k", BaseUrl = "http://localhost/claude", HttpClient = host.Client, MaxRetries = 0 };
        var raised = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in sdk.Messages.CreateStreaming(new MessageCreateParams { MaxTokens = 10, Model = "m", Messages = [new UserMessageParam("hi")] })) { }
        });
        Assert.Contains("broke off before its end", raised.ToString());
    }

    [Fact]
    public async Task A_Gemini_client_without_a_key_gets_Googles_error_shape()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(KeyAuth(Deck("gemini", "native", [("gemini", fake.BaseUrl)])));

        using var response = await PostAsync(host, "/native/v1beta/models/m:generateContent", """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":{"code":401,"message":"No API key found in request","status":"UNAUTHENTICATED"}}""",
            await response.Content.ReadAsStringAsync());
        Assert.Equal(0, fake.RequestCount);
    }

    [Fact]
    public async Task A_Bedrock_client_whose_targets_are_down_gets_AWSs_error_shape_and_error_type_header()
    {
        var host = await HostAsync(Deck("bedrock", "native", [("bedrock", DeadUpstream)]));

        using var response = await PostAsync(host, "/native/model/m/converse", """{"messages":[{"role":"user","content":[{"text":"hi"}]}]}""");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"message":"the providers of route 'native' could not be reached"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("InternalServerException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
    }

    [Fact]
    public async Task An_OpenAI_routes_errors_keep_OpenAIs_shape_byte_for_byte()
    {
        var deck = KeyAuth(ProviderDeck.Route("plain", [("openai", DeadUpstream)]));
        var host = await HostAsync(deck);

        using var none = await PostAsync(host, "/plain", """{"messages":[{"role":"user","content":"hi"}]}""");
        using var down = await PostAsync(host, "/plain", """{"messages":[{"role":"user","content":"hi"}]}""", ConsumerKey);
        using var unknown = await PostAsync(host, "/nowhere", "{}");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("""{"error":{"message":"No API key found in request","type":"authentication_error"}}""", await none.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        Assert.Equal("""{"error":{"message":"the providers of route 'plain' could not be reached","type":"upstream_error"}}""", await down.Content.ReadAsStringAsync());
        Assert.False(down.Headers.Contains("x-amzn-ErrorType"));
        Assert.Equal(new MediaTypeHeaderValue("application/json"), down.Content.Headers.ContentType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("not_found_error", JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
    }
}
