using System.Net;
using System.Text;
using System.Text.Json;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Anthropic;
using Anthropic.Models.Messages;

namespace Actors.Tests.Providers.ClientFormats;

/// <summary>
/// <c>llm_format: anthropic</c> through the whole pipeline in process: the official Anthropic SDK, pointed at the
/// route as its base URL, is balanced over an OpenAI target (translated through the internal shape) and an Anthropic
/// target (passed through), each a fake of its native API, and reads every answer, stream and error.
/// </summary>
public sealed class AnthropicFormatGatewayTests : TestWithUpstreams
{
    private const string Ask = """{"model":"claude-x","max_tokens":100,"system":"Be brief.","messages":[{"role":"user","content":"Who is the greatest Polish writer?"}]}""";

    public static string AnthropicRoute(string name, IEnumerable<(string Provider, string BaseUrl)> targets, string balancer = "algorithm: round-robin") =>
        ProviderDeck.Route(name, targets, balancer).Replace("      config:\n", "      config:\n        llm_format: anthropic\n");

    private async Task<(PipelineHost Host, FakeOpenAIServer OpenAI, FakeOpenAIServer Anthropic)> MixedAsync(FakeBehavior? openAIBehavior = null,
        string balancer = "algorithm: round-robin")
    {
        var (openai, anthropic) = (await FakeAsync(openAIBehavior), await FakeAsync());
        var host = await Own(PipelineHost.StartAsync(AnthropicRoute("claude", [("openai", openai.BaseUrl), ("anthropic", anthropic.BaseUrl)], balancer),
            environment: ProviderDeck.Environment));
        return (host, openai, anthropic);
    }

    private static AnthropicClient Sdk(PipelineHost host) =>
        new() { ApiKey = "client-key-never-forwarded", BaseUrl = "http://localhost/claude", HttpClient = host.Client, MaxRetries = 0 };

    private static MessageCreateParams Question => new()
    {
        MaxTokens = 100,
        Model = "claude-any",
        System = "Be brief.",
        Messages = [new UserMessageParam("Who is the greatest Polish writer?")],
    };

    [Fact]
    public async Task The_Anthropic_SDK_is_answered_by_OpenAI_and_Anthropic_targets_in_turn()
    {
        var (host, openai, anthropic) = await MixedAsync();
        var sdk = Sdk(host);

        var texts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var message = await sdk.Messages.Create(Question);
            Assert.True(message.Content[0].TryPickText(out var text));
            texts.Add(text!.Text);
            Assert.Equal("end_turn", message.StopReason!.Raw());
            Assert.True(message.Usage.InputTokens > 0);
            Assert.Equal(4, message.Usage.OutputTokens);
        }

        Assert.Equal(["Fake answer from openai-e2e.", "Fake answer from anthropic-e2e.", "Fake answer from openai-e2e.", "Fake answer from anthropic-e2e."], texts);
        // OpenAI got an OpenAI chat request: the system prompt as its first message, the target's model.
        var toOpenAI = JsonDocument.Parse(openai.Requests.First().Body).RootElement;
        Assert.Equal("/v1/chat/completions", openai.Requests.First().PathAndQuery);
        Assert.Equal("openai-e2e", toOpenAI.GetProperty("model").GetString());
        Assert.Equal("system", toOpenAI.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal($"Bearer {GatewayNode.ApiKey}", openai.Requests.First().Headers["Authorization"]);
        // Anthropic got the client's own request: top-level system, the target's model and configured max_tokens.
        var sent = anthropic.Requests.First();
        var toAnthropic = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("/v1/messages", sent.PathAndQuery);
        Assert.Equal("Be brief.", toAnthropic.GetProperty("system").GetString());
        Assert.Equal("anthropic-e2e", toAnthropic.GetProperty("model").GetString());
        Assert.Equal(256, toAnthropic.GetProperty("max_tokens").GetInt32());
        Assert.Equal("sk-ant-e2e", sent.Headers["x-api-key"]);
        Assert.All(openai.Requests.Concat(anthropic.Requests), r => Assert.DoesNotContain("client-key-never-forwarded", string.Join("\n", r.Headers.Values)));
        Assert.All(host.Picker.Reports, r => Assert.Equal(4, r.CompletionTokens));
    }

    [Fact]
    public async Task The_Anthropic_SDK_streams_from_OpenAI_and_Anthropic_targets_in_turn()
    {
        var (host, openai, anthropic) = await MixedAsync();
        var sdk = Sdk(host);

        var texts = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var streamed = new StringBuilder();
            string? stopReason = null;
            long outputTokens = 0;
            await foreach (var e in sdk.Messages.CreateStreaming(Question))
            {
                if (e.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var piece)) streamed.Append(piece!.Text);
                if (e.TryPickDelta(out var end))
                {
                    stopReason = end!.Delta.StopReason!.Raw();
                    outputTokens = end.Usage.OutputTokens;
                }
            }
            texts.Add(streamed.ToString());
            Assert.Equal("end_turn", stopReason);
            Assert.Equal(4, outputTokens);
        }

        Assert.Equal(["Fake answer from openai-e2e.", "Fake answer from anthropic-e2e."], texts);
        // The internal request asked OpenAI for a usage chunk, so the client's message_delta counts tokens.
        Assert.True(JsonDocument.Parse(openai.Requests.Single().Body).RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.True(JsonDocument.Parse(anthropic.Requests.Single().Body).RootElement.GetProperty("stream").GetBoolean());
        var reports = await host.Picker.WaitForReportsAsync(2);
        Assert.All(reports, r => Assert.Equal(4, r.CompletionTokens));
    }

    [Fact]
    public async Task A_failing_OpenAI_target_fails_over_to_Anthropic_for_an_Anthropic_client()
    {
        // Kong's default criteria never resend a POST the provider got: a 503 fails over only when listed with non_idempotent.
        var (host, openai, anthropic) = await MixedAsync(new FakeBehavior { Status = 503 },
            "algorithm: round-robin, failover_criteria: [error, timeout, http_503, non_idempotent]");

        var message = await Sdk(host).Messages.Create(Question);

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Fake answer from anthropic-e2e.", text!.Text);
        Assert.Equal(1, openai.RequestCount);
        Assert.Equal(1, anthropic.RequestCount);
    }

    [Fact]
    public async Task An_Anthropic_clients_model_picks_the_target_with_that_alias()
    {
        var (openai, anthropic) = (await FakeAsync(), await FakeAsync());
        var deck = AnthropicRoute("claude", [("openai", openai.BaseUrl), ("anthropic", anthropic.BaseUrl)])
            .Replace("name: anthropic-e2e,", "name: anthropic-e2e, model_alias: smart,");
        var host = await Own(PipelineHost.StartAsync(deck, environment: ProviderDeck.Environment));

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = await Sdk(host).Messages.Create(Question with { Model = "smart" });
            Assert.True(message.Content[0].TryPickText(out var text));
            answers.Add(text!.Text);
        }

        Assert.All(answers, a => Assert.Equal("Fake answer from anthropic-e2e.", a));
        Assert.Equal(0, openai.RequestCount);
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    public async Task An_OpenAI_targets_error_reaches_the_Anthropic_client_in_Anthropic_shape(int status, string type)
    {
        var openai = await FakeAsync(new FakeBehavior { Status = status });
        var host = await Own(PipelineHost.StartAsync(AnthropicRoute("one", [("openai", openai.BaseUrl)]), environment: ProviderDeck.Environment));

        using var response = await host.ChatAsync("/one/v1/messages", Ask);

        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(type, error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal($"fake upstream failure {status}", error.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("/claude/v1/messages", """{"max_tokens":10,"messages":[{"role":"system","content":"x"}]}""", 400, "invalid_request_error", "messages.0.role")]
    [InlineData("/claude/v1/messages", """{"max_tokens":10,"messages":[]}""", 400, "invalid_request_error", "at least one message")]
    [InlineData("/claude/v1/messages", "not json", 400, "invalid_request_error", "not valid JSON")]
    [InlineData("/claude/v1/messages/count_tokens", Ask, 404, "not_found_error", "/v1/messages")]
    [InlineData("/claude/v1/complete", Ask, 404, "not_found_error", "/v1/messages")]
    public async Task The_gateways_own_refusals_are_in_Anthropic_shape(string path, string body, int status, string type, string message)
    {
        var (host, openai, anthropic) = await MixedAsync();

        using var response = await host.ChatAsync(path, body);

        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(type, error.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(message, error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, openai.RequestCount + anthropic.RequestCount);
    }

    [Fact]
    public async Task An_Anthropic_targets_own_error_passes_through_unchanged()
    {
        var anthropic = await FakeAsync(new FakeBehavior { Status = 529 });
        var host = await Own(PipelineHost.StartAsync(AnthropicRoute("one", [("anthropic", anthropic.BaseUrl)]), environment: ProviderDeck.Environment));

        using var response = await host.ChatAsync("/one/v1/messages", Ask);

        Assert.Equal(529, (int)response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("overloaded_error", error.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_Anthropic_client_reaches_a_Gemini_target_with_tools_and_gets_tool_use_back()
    {
        var gemini = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(AnthropicRoute("g", [("gemini", gemini.BaseUrl)]), environment: ProviderDeck.Environment));
        const string withTools = """
            {"max_tokens":100,"messages":[{"role":"user","content":"Search"}],
             "tools":[{"name":"search","description":"web","input_schema":{"type":"object","properties":{"query":{"type":"string"}}}}]}
            """;

        using var response = await host.ChatAsync("/g/v1/messages", withTools);

        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.OK, message.GetRawText());
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        var use = message.GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
        Assert.Equal("search", use.GetProperty("name").GetString());
        Assert.Equal("fake", use.GetProperty("input").GetProperty("query").GetString());
        Assert.Contains("functionDeclarations", gemini.Requests.Single().Body);
    }
}
