using System.Net;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.Tests.Support;

namespace Actors.Tests.Proxy;

/// <summary>
/// <c>balancer.algorithm: semantic</c> through the real pipeline: the fake provider's keyword embeddings model gives
/// each text a vector by the topics it names, the API node compares the prompt with the targets' descriptions.
/// </summary>
public sealed class SemanticRoutingTests : TestWithUpstreams
{
    private static string Deck(string embeddingsUrl, string chatUrl, string embeddingsModel = FakeOtherApis.KeywordModel) =>
        DeckWith(chatUrl, $$$"""
                  auth: {header_name: Authorization, header_value: 'Bearer ${{ env "DECK_OPENAI_API_KEY" }}'}
                  model: {provider: openai, name: {{{embeddingsModel}}}, options: {upstream_url: '{{{embeddingsUrl}}}'}}
        """);

    /// <param name="embeddings">The lines of <c>config.embeddings</c> (auth and model), indented for it.</param>
    private static string DeckWith(string chatUrl, string embeddings) => $$$"""
        _format_version: "3.0"
        services:
        - name: svc
          routes:
          - name: r
            paths: ['/r']
            plugins:
            - name: ai-proxy-advanced
              config:
                balancer: {algorithm: semantic}
                embeddings:
        {{{embeddings}}}
                vectordb: {dimensions: 3, distance_metric: cosine, strategy: redis, threshold: 0.5, redis: {host: 127.0.0.1}}
                targets:
                - {model: {provider: openai, name: math-a, options: {upstream_url: '{{{chatUrl}}}'}}, route_type: llm/v1/chat, description: Specialist in math and algebra}
                - {model: {provider: openai, name: math-b, options: {upstream_url: '{{{chatUrl}}}'}}, route_type: llm/v1/chat, description: Specialist in math and algebra}
                - {model: {provider: openai, name: coder, options: {upstream_url: '{{{chatUrl}}}'}}, route_type: llm/v1/chat, description: Writes python code}
                - {model: {provider: openai, name: general, options: {upstream_url: '{{{chatUrl}}}'}}, route_type: llm/v1/chat, description: CATCHALL}
        """;

    private static string Ask(string text) => new JsonObject
    {
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "You answer briefly." }, new JsonObject { ["role"] = "user", ["content"] = text }),
    }.ToJsonString();

    [Fact]
    public async Task A_math_prompt_goes_to_the_math_targets_code_to_the_coder_and_anything_else_to_catchall()
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(Deck(fake.BaseUrl + "/v1/embeddings", fake.ChatUrl)));

        async Task<string> Served(string prompt)
        {
            using var response = await host.ChatAsync("/r", Ask(prompt));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (string)(await Json(response))["model"]!;
        }

        var math = new[] { await Served("Solve this integral"), await Served("an algebra equation"), await Served("math homework") };
        Assert.Equal(["math-a", "math-b"], math.Distinct().Order());
        Assert.Equal("coder", await Served("Fix my python program"));
        Assert.Equal("general", await Served("Tell me a joke about cats"));

        // The descriptions were embedded once (one call with both), then one call per prompt.
        var embeddings = fake.Requests.Where(r => r.PathAndQuery == "/v1/embeddings").ToArray();
        Assert.Equal(6, embeddings.Length);
        Assert.Equal(1, embeddings.Count(r => r.Body.Contains("Writes python code")));
        Assert.All(embeddings, r => Assert.Equal("Bearer " + GatewayNode.ApiKey, r.Headers["Authorization"]));
    }

    private static async Task<string> ServedAsync(PipelineHost host, string prompt)
    {
        using var response = await host.ChatAsync("/r", Ask(prompt));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (string)(await Json(response))["model"]!;
    }

    [Fact]
    public async Task A_gemini_embeddings_model_is_called_natively_with_its_query_key_and_vectordb_dimensions()
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(DeckWith(fake.ChatUrl, $$$"""
                  auth: {param_name: key, param_value: '${{ env "DECK_GEMINI_API_KEY" }}', param_location: query}
                  model: {provider: gemini, name: {{{FakeOtherApis.KeywordModel}}}-g, options: {upstream_url: '{{{fake.BaseUrl}}}/v1beta/models/{{{FakeOtherApis.KeywordModel}}}-g:batchEmbedContents'}}
        """), environment: Providers.ProviderDeck.Environment));

        Assert.Equal("coder", await ServedAsync(host, "Fix my python program"));
        Assert.Contains(await ServedAsync(host, "Solve this integral"), new[] { "math-a", "math-b" });
        Assert.Equal("general", await ServedAsync(host, "Tell me a joke about cats"));

        var embeddings = fake.Requests.Where(r => r.PathAndQuery.Contains(":batchEmbedContents", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, embeddings.Length); // the descriptions once, then one per prompt
        Assert.All(embeddings, r => Assert.EndsWith("?key=gemini-e2e-key", r.PathAndQuery));
        var descriptions = JsonNode.Parse(embeddings[0].Body)!["requests"]!.AsArray();
        Assert.Equal(2, descriptions.Count);
        Assert.Equal(3, (int)descriptions[0]!["outputDimensionality"]!);
    }

    [Fact]
    public async Task A_bedrock_titan_embeddings_model_embeds_one_text_per_signed_call()
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(DeckWith(fake.ChatUrl, $$$"""
                  auth: {aws_access_key_id: '${{ env "DECK_AWS_ACCESS_KEY_ID" }}', aws_secret_access_key: '${{ env "DECK_AWS_SECRET_ACCESS_KEY" }}'}
                  model: {provider: bedrock, name: amazon.titan-{{{FakeOtherApis.KeywordModel}}}, options: {upstream_url: '{{{fake.BaseUrl}}}/model/amazon.titan-{{{FakeOtherApis.KeywordModel}}}/invoke', bedrock: {aws_region: us-east-1} } }
        """), environment: Providers.ProviderDeck.Environment));

        Assert.Equal("coder", await ServedAsync(host, "Fix my python program"));

        var embeddings = fake.Requests.Where(r => r.PathAndQuery.EndsWith("/invoke", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, embeddings.Length); // two descriptions, one call each, then the prompt
        Assert.All(embeddings, r => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIAE2EEXAMPLE/", r.Headers["Authorization"]));
        Assert.Equal("Fix my python program", (string)JsonNode.Parse(embeddings[2].Body)!["inputText"]!);
        Assert.Null(JsonNode.Parse(embeddings[2].Body)!["dimensions"]); // Bedrock's models differ on lengths: vectordb.dimensions is not asked
    }

    [Fact]
    public async Task A_failing_embeddings_model_is_a_502_in_openai_shape_and_nothing_is_forwarded()
    {
        var fake = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(Deck(fake.BaseUrl + "/v1/no-such-endpoint", fake.ChatUrl)));

        using var response = await host.ChatAsync("/r", Ask("Solve this integral"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await Json(response))["error"]!;
        Assert.StartsWith("route 'r' could not choose a target: the embeddings ", (string)error["message"]!);
        Assert.DoesNotContain(fake.Requests, r => r.PathAndQuery == "/v1/chat/completions");
    }
}
