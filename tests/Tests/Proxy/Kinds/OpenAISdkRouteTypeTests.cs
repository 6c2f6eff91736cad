#pragma warning disable OPENAI001 // the Responses client is marked experimental
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using OpenAI;
using OpenAI.Embeddings;
using OpenAI.Responses;
using static Actors.Tests.Proxy.Kinds.RouteTypeDeck;

namespace Actors.Tests.Proxy.Kinds;

/// <summary>
/// The official OpenAI .NET SDK with its base URL on a route (<c>http://node/route</c>), so it calls
/// <c>/route/embeddings</c> and <c>/route/responses</c>: the whole pipeline in process, the fake OpenAI on loopback.
/// </summary>
public sealed class OpenAISdkRouteTypeTests : TestWithUpstreams
{
    private async Task<(PipelineHost Host, FakeOpenAIServer Fake)> GatewayAsync(string routeType, string path, string options = "")
    {
        var fake = await FakeAsync();
        var deck = Route("route1", "algorithm: round-robin",
            Target(routeType, "model-a", $"upstream_url: '{fake.BaseUrl}{path}'{options}"),
            Target(routeType, "model-b", $"upstream_url: '{fake.BaseUrl}{path}'{options}"));
        return (await Own(PipelineHost.StartAsync(deck)), fake);
    }

    private static OpenAIClient Sdk(PipelineHost host) => new(new ApiKeyCredential("sk-client-never-forwarded"),
        new OpenAIClientOptions { Endpoint = new Uri(host.Client.BaseAddress!, "/route1"), Transport = new HttpClientPipelineTransport(host.Client) });

    [Fact]
    public async Task Embeddings_through_a_route_reach_v1_embeddings_with_the_targets_model_and_count_prompt_tokens()
    {
        var (host, fake) = await GatewayAsync("llm/v1/embeddings", "/v1/embeddings", ", temperature: 0.5, max_tokens: 100");
        var client = Sdk(host).GetEmbeddingClient("the-clients-model");

        OpenAIEmbedding first = await client.GenerateEmbeddingAsync("Who is the greatest Polish writer?");
        OpenAIEmbeddingCollection both = await client.GenerateEmbeddingsAsync(["one", "two"]);

        Assert.Equal(FakeOtherApis.EmbeddingDimensions, first.ToFloats().Length);
        Assert.Equal(2, both.Count);
        Assert.Equal("model-b", both.Model);
        var sent = fake.Requests.ToArray();
        Assert.All(sent, r => Assert.Equal("/v1/embeddings", r.PathAndQuery));
        Assert.All(sent, r => Assert.Equal("Bearer " + GatewayNode.ApiKey, r.Headers["Authorization"]));
        var body = JsonDocument.Parse(sent[0].Body).RootElement;
        Assert.Equal("model-a", body.GetProperty("model").GetString());
        // sampling options mean nothing to embeddings: they are not written into the request
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("max_tokens", out _));
        var reports = await host.Picker.WaitForReportsAsync(2);
        Assert.All(reports, r => Assert.True(r.PromptTokens > 0 && r.CompletionTokens == 0, $"{r.PromptTokens}/{r.CompletionTokens}"));
    }

    [Fact]
    public async Task Responses_through_a_route_answer_and_stream_with_usage_from_response_completed()
    {
        var (host, fake) = await GatewayAsync("llm/v1/responses", "/v1/responses", ", max_tokens: 64");
        var client = Sdk(host).GetResponsesClient();
        CreateResponseOptions Ask(string text, bool stream = false) =>
            new("the-clients-model", [ResponseItem.CreateUserMessageItem(text)]) { StreamingEnabled = stream };

        ResponseResult answer = await client.CreateResponseAsync(Ask("Who is the greatest Polish writer?"));
        var streamed = new System.Text.StringBuilder();
        ResponseTokenUsage? streamedUsage = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(Ask("And the second greatest?", stream: true)))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta) streamed.Append(delta.Delta);
            if (update is StreamingResponseCompletedUpdate completed) streamedUsage = completed.Response.Usage;
        }

        Assert.Equal("Fake answer from model-a.", answer.GetOutputText());
        Assert.True(answer.Usage.InputTokenCount > 0);
        Assert.Equal("Fake answer from model-b.", streamed.ToString());
        Assert.Equal(4, streamedUsage!.OutputTokenCount);
        var sent = fake.Requests.ToArray();
        Assert.All(sent, r => Assert.Equal("/v1/responses", r.PathAndQuery));
        // the configured max_tokens is the Responses API's max_output_tokens
        Assert.Equal(64, JsonDocument.Parse(sent[0].Body).RootElement.GetProperty("max_output_tokens").GetInt32());
        var reports = await host.Picker.WaitForReportsAsync(2);
        Assert.All(reports, r => Assert.Equal(4, r.CompletionTokens));
        Assert.All(reports, r => Assert.True(r.PromptTokens > 0));
    }
}
