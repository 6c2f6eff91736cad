using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text.Json;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using OpenAI;
using OpenAI.Embeddings;

namespace Actors.Tests.Providers.Embeddings;

/// <summary>
/// <c>llm/v1/embeddings</c> for providers with an embeddings API of their own, through the whole pipeline in process
/// against the fakes of those APIs: each request reaches the native endpoint in the native shape with the target's
/// credential, and the client gets OpenAI's list with the vectors and the provider's token count.
/// </summary>
public sealed class EmbeddingsGatewayTests : TestWithUpstreams
{
    private const string AwsAuth = "{aws_access_key_id: '${{ env \"DECK_AWS_ACCESS_KEY_ID\" }}', aws_secret_access_key: '${{ env \"DECK_AWS_SECRET_ACCESS_KEY\" }}'}";

    private static string Target(string provider, string model, string options, string auth) =>
        $"        - model: {{provider: {provider}, name: '{model}', options: {{{options}}}}}\n          route_type: llm/v1/embeddings\n          auth: {auth}\n";

    private static string Header(string name, string prefix, string variable) =>
        $"{{header_name: {name}, header_value: '{prefix}${{{{ env \"{variable}\" }}}}'}}";

    private async Task<PipelineHost> HostAsync(string target) =>
        await Own(PipelineHost.StartAsync(ProviderDeck.Document("emb", "algorithm: round-robin", [target]), environment: ProviderDeck.Environment));

    private static async Task<JsonElement> AnswerAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static JsonElement Sent(FakeOpenAIServer fake) => JsonDocument.Parse(Assert.Single(fake.Requests).Body).RootElement;

    private static float[][] Vectors(JsonElement list) =>
        [.. list.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray())];

    [Fact]
    public async Task Gemini_embeddings_go_to_batchEmbedContents_with_the_key_in_the_query_and_come_back_as_OpenAIs_list()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Target("gemini", "embed-e2e", $"upstream_url: '{fake.BaseUrl}/v1beta/models/embed-e2e:batchEmbedContents'",
            "{param_name: key, param_value: '${{ env \"DECK_GEMINI_API_KEY\" }}', param_location: query}"));

        using var response = await host.ChatAsync("/emb/embeddings", """{"model":"x","input":["one","two"],"dimensions":4}""");
        var answer = await AnswerAsync(response);

        var sent = Assert.Single(fake.Requests);
        Assert.Equal("/v1beta/models/embed-e2e:batchEmbedContents?key=gemini-e2e-key", sent.PathAndQuery);
        var requests = JsonDocument.Parse(sent.Body).RootElement.GetProperty("requests");
        Assert.Equal("models/embed-e2e", requests[1].GetProperty("model").GetString());
        Assert.Equal("two", requests[1].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal(4, requests[0].GetProperty("outputDimensionality").GetInt32());
        Assert.Equal("list", answer.GetProperty("object").GetString());
        Assert.Equal("embed-e2e", answer.GetProperty("model").GetString());
        Assert.Equal([[0.125f, 0.25f, 0.375f, 0.5f], [1.125f, 1.25f, 1.375f, 1.5f]], Vectors(answer));
        Assert.Equal(1, answer.GetProperty("data")[1].GetProperty("index").GetInt32());
        // the Gemini API's batchEmbedContents reports no token count
        Assert.Equal(0, answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Gemini_on_Vertex_embeddings_go_to_predict_and_count_the_tokens_vertex_reports()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Target("gemini", "text-embedding-e2e",
            $"upstream_url: '{fake.BaseUrl}/v1/projects/p1/locations/europe-west4/publishers/google/models/text-embedding-e2e:predict', "
            + "gemini: {api_endpoint: europe-west4-aiplatform.googleapis.com, project_id: p1, location_id: europe-west4}",
            Header("Authorization", "Bearer ", "DECK_GEMINI_API_KEY")));

        using var response = await host.ChatAsync("/emb", """{"input":"Who is the greatest Polish writer?","dimensions":2}""");
        var answer = await AnswerAsync(response);

        var sent = Assert.Single(fake.Requests);
        Assert.Equal("Bearer gemini-e2e-key", sent.Headers["Authorization"]);
        var body = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("Who is the greatest Polish writer?", body.GetProperty("instances")[0].GetProperty("content").GetString());
        Assert.Equal(2, body.GetProperty("parameters").GetProperty("outputDimensionality").GetInt32());
        Assert.Equal([[0.125f, 0.25f]], Vectors(answer));
        Assert.Equal(8, answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var report = Assert.Single(await host.Picker.WaitForReportsAsync(1));
        Assert.Equal((8, 0), (report.PromptTokens, report.CompletionTokens));
    }

    [Fact]
    public async Task Bedrock_Titan_embeddings_are_signed_invoke_calls_with_inputText_one_text_per_request()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Target("bedrock", "amazon.titan-embed-text-v2:0",
            $"upstream_url: '{fake.BaseUrl}/model/amazon.titan-embed-text-v2:0/invoke', bedrock: {{aws_region: us-east-1, embeddings_normalize: true}}", AwsAuth));

        using var response = await host.ChatAsync("/emb", """{"input":"Who is the greatest Polish writer?","dimensions":256}""");
        var answer = await AnswerAsync(response);
        using var two = await host.ChatAsync("/emb", """{"input":["one","two"]}""");

        var sent = Assert.Single(fake.Requests);
        Assert.Equal("/model/amazon.titan-embed-text-v2:0/invoke", sent.PathAndQuery);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIAE2EEXAMPLE/", sent.Headers["Authorization"]);
        var body = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("Who is the greatest Polish writer?", body.GetProperty("inputText").GetString());
        Assert.Equal(256, body.GetProperty("dimensions").GetInt32());
        Assert.True(body.GetProperty("normalize").GetBoolean());
        Assert.Equal(FakeOtherApis.EmbeddingDimensions, Assert.Single(Vectors(answer)).Length);
        Assert.Equal(8, answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, two.StatusCode);
        Assert.Contains("model 'amazon.titan-embed-text-v2:0' embeds at most 1 text per request", (string)(await Json(two))["error"]!["message"]!);
    }

    [Fact]
    public async Task Cohere_on_Bedrock_embeddings_send_texts_and_input_type_and_count_tokens_from_the_header()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Target("bedrock", "cohere.embed-english-v3",
            $"upstream_url: '{fake.BaseUrl}/model/cohere.embed-english-v3/invoke', bedrock: {{aws_region: us-east-1}}", AwsAuth));

        using var response = await host.ChatAsync("/emb", """{"input":["one two three four","five"]}""");
        var answer = await AnswerAsync(response);

        var body = Sent(fake);
        Assert.Equal(["one two three four", "five"], body.GetProperty("texts").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("classification", body.GetProperty("input_type").GetString());
        Assert.Equal(2, Vectors(answer).Length);
        Assert.Equal(5, answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, Assert.Single(await host.Picker.WaitForReportsAsync(1)).PromptTokens);
    }

    [Fact]
    public async Task Cohere_embeddings_go_to_v2_embed_with_the_configured_input_type_and_answer_base64_when_asked()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Target("cohere", "embed-e2e", $"upstream_url: '{fake.BaseUrl}/v2/embed', cohere: {{embedding_input_type: search_query}}",
            Header("Authorization", "Bearer ", "DECK_COHERE_API_KEY")));

        using var response = await host.ChatAsync("/emb", """{"input":["one two three four"],"encoding_format":"base64"}""");
        var answer = await AnswerAsync(response);

        var sent = Assert.Single(fake.Requests);
        Assert.Equal("/v2/embed", sent.PathAndQuery);
        Assert.Equal("Bearer cohere-e2e-key", sent.Headers["Authorization"]);
        var body = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("embed-e2e", body.GetProperty("model").GetString());
        Assert.Equal("search_query", body.GetProperty("input_type").GetString());
        Assert.Equal("float", body.GetProperty("embedding_types")[0].GetString());
        var bytes = Convert.FromBase64String(answer.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal([0.125f, 0.25f, 0.375f], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes)[..3].ToArray());
        Assert.Equal(4, answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task A_provider_error_comes_back_in_OpenAI_shape_and_token_ids_are_refused_before_sending()
    {
        var fake = await FakeAsync(new FakeBehavior { Status = 429 });
        var host = await HostAsync(Target("cohere", "embed-e2e", $"upstream_url: '{fake.BaseUrl}/v2/embed'", Header("Authorization", "Bearer ", "DECK_COHERE_API_KEY")));

        using var limited = await host.ChatAsync("/emb", """{"input":"hi"}""");
        using var tokens = await host.ChatAsync("/emb", """{"input":[[1,2,3]]}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limit_error", (string)(await Json(limited))["error"]!["type"]!);
        Assert.Equal(HttpStatusCode.BadRequest, tokens.StatusCode);
        Assert.Contains("provider 'cohere' embeds text only", (string)(await Json(tokens))["error"]!["message"]!);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task The_OpenAI_SDK_gets_gemini_embeddings_through_a_route()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(Target("gemini", "embed-e2e", $"upstream_url: '{fake.BaseUrl}/v1beta/models/embed-e2e:batchEmbedContents'",
            Header("x-goog-api-key", "", "DECK_GEMINI_API_KEY")));
        var client = new OpenAIClient(new ApiKeyCredential("sk-client-never-forwarded"),
            new OpenAIClientOptions { Endpoint = new Uri(host.Client.BaseAddress!, "/emb"), Transport = new HttpClientPipelineTransport(host.Client) })
            .GetEmbeddingClient("the-clients-model");

        OpenAIEmbeddingCollection both = await client.GenerateEmbeddingsAsync(["one", "two"]);

        Assert.Equal("embed-e2e", both.Model);
        Assert.Equal([1.125f, 1.25f], both[1].ToFloats().ToArray()[..2]);
        Assert.Equal("gemini-e2e-key", Assert.Single(fake.Requests).Headers["x-goog-api-key"]);
    }
}
