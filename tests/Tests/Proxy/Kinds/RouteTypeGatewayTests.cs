using System.Net;
using System.Text;
using System.Text.Json;
using Actors.Tests.Configuration;
using Actors.Tests.Support;
using static Actors.Tests.Proxy.Kinds.RouteTypeDeck;

namespace Actors.Tests.Proxy.Kinds;

/// <summary>Route types beside chat through the whole pipeline in process, against the fake on loopback.</summary>
public sealed class RouteTypeGatewayTests : TestWithUpstreams
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode || (int)response.StatusCode < 500, text);
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Completions_answer_and_stream_at_v1_completions_with_usage()
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(Route("legacy", "algorithm: round-robin",
            Target("llm/v1/completions", "davinci-e2e", $"upstream_url: '{fake.BaseUrl}/v1/completions', max_tokens: 16"))));

        using var plain = await host.ChatAsync("/legacy/completions", """{"model":"x","prompt":"Say hi"}""");
        var completion = await JsonAsync(plain);
        using var streamed = await host.ChatAsync("/legacy/completions",
            """{"prompt":["Say hi"],"stream":true,"stream_options":{"include_usage":true}}""", HttpCompletionOption.ResponseHeadersRead);
        var events = await streamed.Content.ReadAsStringAsync();

        Assert.Equal("text_completion", completion.GetProperty("object").GetString());
        Assert.Equal("Fake answer from davinci-e2e.", completion.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith("data: [DONE]\n\n", events);
        Assert.All(fake.Requests, r => Assert.Equal("/v1/completions", r.PathAndQuery));
        Assert.Equal(16, JsonDocument.Parse(fake.Requests.First().Body).RootElement.GetProperty("max_tokens").GetInt32());
        var reports = await host.Picker.WaitForReportsAsync(2);
        Assert.All(reports, r => Assert.Equal(4, r.CompletionTokens));
    }

    [Theory]
    [InlineData("llm/v1/embeddings", """{"model":"m"}""", "'input' is required")]
    [InlineData("llm/v1/embeddings", """{"input":[]}""", "'input' must not be empty")]
    [InlineData("llm/v1/embeddings", """{"input":[{"a":1}]}""", "'input' must hold strings or arrays of token ids")]
    [InlineData("llm/v1/embeddings", """{"input":"x","stream":true}""", "embeddings cannot be streamed")]
    [InlineData("llm/v1/completions", """{"messages":[{"role":"user","content":"hi"}]}""", "'prompt' is required")]
    [InlineData("llm/v1/completions", """{"prompt":7}""", "'prompt' must be a string or an array")]
    [InlineData("llm/v1/responses", """{"model":"m"}""", "'input' is required")]
    [InlineData("llm/v1/responses", """{"input":["text"]}""", "'input' must hold objects")]
    [InlineData("llm/v1/responses", """{"input":"x","max_output_tokens":"many"}""", "'max_output_tokens' must be an integer")]
    [InlineData("llm/v1/responses", """{"input":"x","model":7}""", "'model' must be a string")]
    [InlineData("llm/v1/responses", "", "expected a JSON object with an input")]
    [InlineData("llm/v1/responses", "[1]", "the request body must be a JSON object")]
    public async Task Each_request_kind_is_checked_before_anything_is_sent(string routeType, string body, string message)
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(Route("kind", "algorithm: round-robin",
            Target(routeType, "m", $"upstream_url: '{fake.BaseUrl}/v1/anything'"))));

        using var response = await host.ChatAsync("/kind", body);
        var error = (await JsonAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Preserve_sends_the_whole_path_query_method_and_body_untouched_to_the_targets_host()
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(Route("native", "algorithm: round-robin",
            Target("preserve", null, $"upstream_url: '{fake.BaseUrl}/ignored/path?ignored=1'"))));
        const string body = """{"model":"clients-own-model","messages":[{"role":"user","content":"hi"}],"temperature":0.2}""";

        using var post = await host.ChatAsync("/native/v1/chat/completions?trace=yes", body);
        var answer = await JsonAsync(post);
        using var get = await host.Client.GetAsync("/native/v1/models");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("Fake answer from clients-own-model.", answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        var sent = fake.Requests.ToArray();
        Assert.Equal("/native/v1/chat/completions?trace=yes", sent[0].PathAndQuery);
        Assert.Equal(body, sent[0].Body);
        Assert.Equal("Bearer " + GatewayNode.ApiKey, sent[0].Headers["Authorization"]);
        // a GET passes too (the fake has no GET endpoint: its 405 comes back as the provider's answer)
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("0", get.Headers.GetValues("X-Actors-Target").Single());
    }

    [Fact]
    public async Task Preserve_with_upstream_path_sends_there_and_needs_no_json()
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(Route("native", "algorithm: round-robin",
            Target("preserve", "m", $"upstream_url: '{fake.BaseUrl}', upstream_path: /v1/embeddings"))));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/native/whatever") { Content = new StringContent("not json", Encoding.UTF8, "text/plain") };

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // the fake's own refusal: the body reached it as sent
        var sent = Assert.Single(fake.Requests);
        Assert.Equal("/v1/embeddings", sent.PathAndQuery);
        Assert.Equal("not json", sent.Body);
        Assert.StartsWith("text/plain", sent.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Azure_embeddings_go_to_the_deployments_embeddings_path_with_the_api_key()
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(Route("azure", "algorithm: round-robin",
            Target("llm/v1/embeddings", "ada-e2e", $"upstream_url: '{fake.BaseUrl}/openai/deployments/ada-e2e/embeddings', azure_api_version: '2024-10-21'",
                provider: "azure", auth: "{header_name: api-key, header_value: '${{ env \"DECK_AZURE_API_KEY\" }}'}")),
            environment: new Dictionary<string, string> { ["DECK_AZURE_API_KEY"] = "azure-key" }));

        using var response = await host.ChatAsync("/azure/embeddings", """{"input":"hello","model":"x"}""");
        var answer = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ada-e2e", answer.GetProperty("model").GetString());
        var sent = Assert.Single(fake.Requests);
        Assert.Equal("/openai/deployments/ada-e2e/embeddings?api-version=2024-10-21", sent.PathAndQuery);
        Assert.Equal("azure-key", sent.Headers["api-key"]);
        Assert.True((await host.Picker.WaitForReportsAsync(1))[0].PromptTokens > 0);
    }

    [Fact]
    public void A_route_type_a_provider_has_no_equivalent_for_is_refused_at_config_time_naming_both()
    {
        var yaml = Route("r", "algorithm: round-robin",
            Target("llm/v1/embeddings", "claude", "max_tokens: 10", provider: "anthropic", auth: "{header_name: x-api-key, header_value: '${{ env \"DECK_OPENAI_API_KEY\" }}'}"));

        var problem = Assert.Single(DeckParsing.Parse(yaml).Problems);

        Assert.Equal("services[0].routes[0].plugins[0].config.targets[0].route_type: route type 'llm/v1/embeddings' has no equivalent for provider "
            + "'anthropic' on this gateway; 'anthropic' serves: llm/v1/chat, preserve (line 12)", problem);
    }

    [Theory]
    [InlineData("gemini", "text-embedding-004", "")]
    [InlineData("gemini", "text-embedding-004", "gemini: {api_endpoint: us-central1-aiplatform.googleapis.com, project_id: p, location_id: us-central1}")]
    [InlineData("bedrock", "amazon.titan-embed-text-v2:0", "bedrock: {aws_region: eu-west-1}")]
    [InlineData("cohere", "embed-english-v3.0", "")]
    public void Providers_with_an_embeddings_api_of_their_own_serve_embeddings_at_their_default_endpoint(string provider, string model, string options)
    {
        var yaml = Route("r", "algorithm: round-robin", Target("llm/v1/embeddings", model, options, provider: provider));

        Assert.Empty(DeckParsing.Parse(yaml).Problems);
    }

    [Fact]
    public void Targets_of_one_route_share_a_route_type_and_a_target_may_go_without_a_model()
    {
        var yaml = Route("r", "algorithm: round-robin",
            Target("llm/v1/chat", "a", ""), Target("llm/v1/embeddings", "b", ""), Target("llm/v1/chat", null, ""));

        var problems = DeckParsing.Parse(yaml).Problems;

        // An unset model.name is legal (the request's model is sent, as in Kong); a mixed route type is not.
        Assert.Equal(
        [
            "services[0].routes[0].plugins[0].config.targets[1].route_type: 'llm/v1/embeddings' differs from targets[0]'s 'llm/v1/chat'; the targets of one route must share a route type (line 16)",
        ], problems);
        Assert.Empty(DeckParsing.Parse(Route("r", "algorithm: round-robin", Target("preserve", null, ""))).Problems);
    }
}
