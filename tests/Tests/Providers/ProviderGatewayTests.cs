using System.Net;
using System.Text.Json;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers;

/// <summary>
/// Every provider through the whole pipeline in process (decK parser, route table, forwarder, the provider's driver)
/// against the fake of its native API on loopback: an OpenAI-format client gets OpenAI's shapes from each.
/// </summary>
public sealed class ProviderGatewayTests : TestWithUpstreams
{
    private const string Question = """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Who is the greatest Polish writer?"}]""";
    private const string Ask = Question + "}";
    private const string AskStreaming = Question + ""","stream":true,"stream_options":{"include_usage":true}}""";

    private async Task<PipelineHost> HostAsync(string deck) =>
        await Own(PipelineHost.StartAsync(deck, environment: ProviderDeck.Environment));

    private async Task<PipelineHost> MixedRouteAsync(FakeOpenAIServer fake) =>
        await HostAsync(ProviderDeck.Route("mixed", ProviderDeck.Providers.Select(p => (p, fake.BaseUrl))));

    [Fact]
    public async Task Each_provider_answers_a_chat_request_in_OpenAI_shape()
    {
        var fake = await FakeAsync();
        var host = await MixedRouteAsync(fake);

        foreach (var provider in ProviderDeck.Providers)
        {
            using var response = await host.ChatAsync("/mixed", Ask);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{provider}: {(int)response.StatusCode} {text}");
            var completion = JsonDocument.Parse(text).RootElement;
            Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
            var choice = completion.GetProperty("choices")[0];
            Assert.Equal($"Fake answer from {ProviderDeck.Model(provider)}.", choice.GetProperty("message").GetProperty("content").GetString());
            Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
            Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
            var usage = completion.GetProperty("usage");
            Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0, provider);
            Assert.Equal(4, usage.GetProperty("completion_tokens").GetInt32());
            Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + 4, usage.GetProperty("total_tokens").GetInt32());
        }
        Assert.All(host.Picker.Reports, r => Assert.Equal(4, r.CompletionTokens));
    }

    [Fact]
    public async Task Each_provider_streams_OpenAI_chunks_ending_in_done()
    {
        var fake = await FakeAsync();
        var host = await MixedRouteAsync(fake);

        foreach (var provider in ProviderDeck.Providers)
        {
            using var response = await host.ChatAsync("/mixed", AskStreaming, HttpCompletionOption.ResponseHeadersRead);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{provider}: {(int)response.StatusCode} {text}");
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
            var chunks = Events(text);
            Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
            Assert.Equal($"Fake answer from {ProviderDeck.Model(provider)}.", Text(chunks));
            Assert.Equal("stop", FinishReason(chunks));
            var usage = Usage(chunks);
            Assert.True(usage is not null, $"{provider}: no usage chunk in {text}");
            Assert.Equal(4, usage!.Value.GetProperty("completion_tokens").GetInt32());
        }
        var reports = await host.Picker.WaitForReportsAsync(ProviderDeck.Providers.Length);
        Assert.All(reports, r => Assert.Equal(4, r.CompletionTokens));
    }

    [Fact]
    public async Task Each_request_reaches_the_native_endpoint_with_its_credentials_and_never_the_clients_token()
    {
        var fake = await FakeAsync();
        var host = await MixedRouteAsync(fake);

        foreach (var _ in ProviderDeck.Providers) (await host.ChatAsync("/mixed", AskStreaming, HttpCompletionOption.ResponseHeadersRead)).Dispose();

        var sent = fake.Requests.ToArray();
        Assert.Equal(
            ["/v1/chat/completions", "/v1/messages", "/v1beta/models/gemini-e2e:streamGenerateContent?alt=sse", "/model/bedrock-e2e/converse-stream",
             "/api/chat", "/v2/chat", "/openai/deployments/azure-e2e/chat/completions?api-version=2024-10-21"],
            sent.Select(r => r.PathAndQuery));
        Assert.Equal($"Bearer {GatewayNode.ApiKey}", sent[0].Headers["Authorization"]);
        Assert.Equal("sk-ant-e2e", sent[1].Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent[1].Headers["anthropic-version"]);
        Assert.Equal("gemini-e2e-key", sent[2].Headers["x-goog-api-key"]);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIAE2EEXAMPLE/", sent[3].Headers["Authorization"]);
        Assert.Equal("Bearer cohere-e2e-key", sent[5].Headers["Authorization"]);
        Assert.Equal("azure-e2e-key", sent[6].Headers["api-key"]);
        Assert.All(sent, r => Assert.DoesNotContain("client-token-never-forwarded", string.Join("\n", r.Headers.Values)));
        Assert.DoesNotContain("\"system\"", JsonDocument.Parse(sent[1].Body).RootElement.GetProperty("messages").GetRawText());
        Assert.Equal(256, JsonDocument.Parse(sent[1].Body).RootElement.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task A_mixed_route_rotates_across_providers_as_a_single_provider_route_does()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(ProviderDeck.Route("pair", [("openai", fake.BaseUrl), ("anthropic", fake.BaseUrl)]));

        var answered = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await host.ChatAsync("/pair", Ask);
            answered.Add((await Json(response))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"Fake answer from {(i % 2 == 0 ? "openai" : "anthropic")}-e2e."), answered);
    }

    [Theory]
    [InlineData(500, "algorithm: round-robin, retries: 2, failover_criteria: [error, timeout, http_500, non_idempotent]")]
    // Anthropic's 529 (overloaded) fails over as an OpenAI target's 503 does.
    [InlineData(529, "algorithm: round-robin, retries: 2, failover_criteria: [error, timeout, http_503, non_idempotent]")]
    public async Task A_failing_Anthropic_target_fails_over_to_OpenAI(int status, string balancer)
    {
        var anthropic = await FakeAsync(new FakeBehavior { Status = status });
        var openai = await FakeAsync();
        var host = await HostAsync(ProviderDeck.Route("failover", [("anthropic", anthropic.BaseUrl), ("openai", openai.BaseUrl)], balancer));

        using var response = await host.ChatAsync("/failover", Ask);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Fake answer from openai-e2e.", (await Json(response))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(1, anthropic.RequestCount);
        Assert.Equal(1, openai.RequestCount);
    }

    [Fact]
    public async Task An_overloaded_Anthropic_target_alone_answers_an_OpenAI_shaped_503()
    {
        var anthropic = await FakeAsync(new FakeBehavior { Status = 529 });
        var host = await HostAsync(ProviderDeck.Route("alone", [("anthropic", anthropic.BaseUrl)]));

        using var response = await host.ChatAsync("/alone", Ask);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = (await Json(response))["error"]!;
        Assert.Equal("fake upstream failure 529", error["message"]!.GetValue<string>());
        Assert.Equal("server_error", error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_Anthropic_rejection_that_does_not_fail_over_reaches_the_client_as_an_OpenAI_error()
    {
        var anthropic = await FakeAsync();
        var openai = await FakeAsync();
        var host = await HostAsync(ProviderDeck.Route("rejected", [("anthropic", anthropic.BaseUrl), ("openai", openai.BaseUrl)]));

        // Valid for OpenAI (0..2), out of Anthropic's range (0..1): the Messages API answers 400 invalid_request_error.
        using var response = await host.ChatAsync("/rejected", """{"messages":[{"role":"user","content":"hi"}],"temperature":1.5}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await Json(response))["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Contains("temperature", error["message"]!.GetValue<string>());
        Assert.Equal(1, anthropic.RequestCount);
        Assert.Equal(0, openai.RequestCount);
    }
}
