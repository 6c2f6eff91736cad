using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Bedrock;
using Actors.Api.Providers.Cohere;
using Actors.Api.Providers.Embeddings;
using Actors.Api.Providers.Gemini;
using Kong = Actors.Grains.Interfaces.Configuration.RouteTypes;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Embeddings;

/// <summary>Each provider's embeddings writer and reader, and OpenAI's side of them, without a network.</summary>
public sealed class EmbeddingsTranslationTests
{
    private static ProviderTarget Embedder(string provider, string model, Dictionary<string, string>? options = null) =>
        Target(provider, model, options) with { RouteType = Kong.Embeddings };

    private static readonly Dictionary<string, string> Vertex = new()
    {
        ["gemini.api_endpoint"] = "us-central1-aiplatform.googleapis.com", ["gemini.project_id"] = "p1", ["gemini.location_id"] = "us-central1",
    };

    private static (JsonElement Body, ProviderRequest Request) Write(IEmbeddingsTranslation translation, ProviderTarget target, params string[] inputs) =>
        Write(translation, target, new EmbeddingsRequest(inputs));

    private static (JsonElement Body, ProviderRequest Request) Write(IEmbeddingsTranslation translation, ProviderTarget target, EmbeddingsRequest request)
    {
        var body = new ArrayBufferWriter<byte>();
        var written = translation.WriteRequest(request, target, body);
        return (JsonDocument.Parse(body.WrittenMemory).RootElement.Clone(), written);
    }

    private static EmbeddingsAnswer Read(IEmbeddingsTranslation translation, ProviderTarget target, string body, int inputs, HttpResponseHeaders? headers = null) =>
        translation.ReadAnswer(Encoding.UTF8.GetBytes(body), headers, target, inputs);

    [Fact]
    public void The_OpenAI_request_gives_texts_dimensions_and_encoding_and_token_ids_are_refused()
    {
        var target = Embedder("gemini", "m", new() { ["embeddings_dimensions"] = "512" });

        var (one, base64) = OpenAIEmbeddings.ReadRequest("""{"input":"hi","encoding_format":"base64"}"""u8, target);
        var (two, floats) = OpenAIEmbeddings.ReadRequest("""{"input":["a","b"],"dimensions":64}"""u8, target);

        Assert.Equal(["hi"], one.Inputs);
        Assert.Equal((512, true), (one.Dimensions, base64));
        Assert.Equal(["a", "b"], two.Inputs);
        Assert.Equal((64, false), (two.Dimensions, floats));
        var refused = Assert.Throws<NotSupportedException>(() => OpenAIEmbeddings.ReadRequest("""{"input":[[1,2]]}"""u8, target));
        Assert.Contains("provider 'gemini' embeds text only", refused.Message);
    }

    [Fact]
    public void The_OpenAI_answer_lists_vectors_by_index_as_numbers_or_little_endian_float32_base64()
    {
        var answer = new EmbeddingsAnswer([[0.5f, -1.25f], [3f, 0.1f]], 7);

        var floats = JsonDocument.Parse(OpenAIEmbeddings.WriteAnswer(answer, "m", base64: false)).RootElement;
        var base64 = JsonDocument.Parse(OpenAIEmbeddings.WriteAnswer(answer, "m", base64: true)).RootElement;

        Assert.Equal("list", floats.GetProperty("object").GetString());
        Assert.Equal("embedding", floats.GetProperty("data")[1].GetProperty("object").GetString());
        Assert.Equal(1, floats.GetProperty("data")[1].GetProperty("index").GetInt32());
        Assert.Equal([3f, 0.1f], floats.GetProperty("data")[1].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal((7, 7), (floats.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), floats.GetProperty("usage").GetProperty("total_tokens").GetInt32()));
        var bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal([0.5f, -1.25f], MemoryMarshal.Cast<byte, float>(bytes).ToArray());
    }

    [Fact]
    public void An_OpenAI_answer_is_read_by_index_and_one_missing_a_vector_is_refused()
    {
        var answer = OpenAIEmbeddings.ReadAnswer("""{"data":[{"index":1,"embedding":[2]},{"index":0,"embedding":[1]}],"usage":{"prompt_tokens":3}}"""u8, 2);

        Assert.Equal([[1f], [2f]], answer.Vectors);
        Assert.Equal(3, answer.PromptTokens);
        Assert.Throws<FormatException>(() => OpenAIEmbeddings.ReadAnswer("""{"data":[{"index":0,"embedding":[1]}]}"""u8, 2));
        Assert.Throws<FormatException>(() => OpenAIEmbeddings.ReadAnswer("""{"data":[{"index":0,"embedding":["x"]}]}"""u8, 1));
    }

    [Fact]
    public void Gemini_writes_batchEmbedContents_requests_and_reads_their_values()
    {
        var driver = new GeminiDriver();
        var target = Embedder("gemini", "text-embedding-004");

        var (body, _) = Write(driver.Embeddings, target, new EmbeddingsRequest(["a", "b"], 128));
        var answer = Read(driver.Embeddings, target, """{"embeddings":[{"values":[1,2]},{"values":[3,4]}]}""", 2);

        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents", driver.ResolveUrl(target, null, false)!.ToString());
        var requests = body.GetProperty("requests");
        Assert.Equal("models/text-embedding-004", requests[0].GetProperty("model").GetString());
        Assert.Equal("b", requests[1].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal(128, requests[1].GetProperty("outputDimensionality").GetInt32());
        Assert.Equal([[1f, 2f], [3f, 4f]], answer.Vectors);
        Assert.Equal(0, answer.PromptTokens);
        Assert.Equal(100, driver.Embeddings.MaxInputs(target));
        Assert.Throws<FormatException>(() => Read(driver.Embeddings, target, """{"embeddings":[{"values":[1,2]}]}""", 2));
    }

    [Fact]
    public void Gemini_on_Vertex_writes_predict_instances_and_sums_the_token_counts()
    {
        var driver = new GeminiDriver();
        var target = Embedder("gemini", "text-embedding-005", Vertex);

        var (body, _) = Write(driver.Embeddings, target, new EmbeddingsRequest(["a", "b"], 256));
        var answer = Read(driver.Embeddings, target,
            """{"predictions":[{"embeddings":{"values":[1],"statistics":{"token_count":3}}},{"embeddings":{"values":[2],"statistics":{"token_count":4}}}]}""", 2);

        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1/projects/p1/locations/us-central1/publishers/google/models/text-embedding-005:predict",
            driver.ResolveUrl(target, null, false)!.ToString());
        Assert.Equal(["a", "b"], body.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("content").GetString()));
        Assert.Equal(256, body.GetProperty("parameters").GetProperty("outputDimensionality").GetInt32());
        Assert.Equal([[1f], [2f]], answer.Vectors);
        Assert.Equal(7, answer.PromptTokens);
    }

    [Fact]
    public void Bedrock_Titan_writes_inputText_one_at_a_time_and_reads_its_token_count()
    {
        var driver = new BedrockDriver(_ => null, TimeProvider.System);
        var plain = Embedder("bedrock", "amazon.titan-embed-text-v2:0", new() { ["bedrock.aws_region"] = "eu-west-1" });
        var normalized = plain with { Options = new Dictionary<string, string>(plain.Options) { ["bedrock.embeddings_normalize"] = "false" } };

        var (body, _) = Write(driver.Embeddings, plain, new EmbeddingsRequest(["a"], 256));
        var (withNormalize, _) = Write(driver.Embeddings, normalized, "a");
        var answer = Read(driver.Embeddings, plain, """{"embedding":[0.5,0.25],"inputTextTokenCount":6}""", 1);

        Assert.Equal("https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke", driver.ResolveUrl(plain, null, false)!.AbsoluteUri);
        Assert.Equal(1, driver.Embeddings.MaxInputs(plain));
        Assert.Equal("""{"inputText":"a","dimensions":256}""", body.GetRawText());
        Assert.False(withNormalize.GetProperty("normalize").GetBoolean());
        Assert.Equal([[0.5f, 0.25f]], answer.Vectors);
        Assert.Equal(6, answer.PromptTokens);
    }

    [Fact]
    public void Cohere_on_Bedrock_writes_texts_with_the_input_type_and_reads_both_answer_shapes_and_the_token_header()
    {
        var driver = new BedrockDriver(_ => null, TimeProvider.System);
        var target = Embedder("bedrock", "cohere.embed-multilingual-v3", new() { ["cohere.embedding_input_type"] = "search_document" });
        using var response = new HttpResponseMessage();
        response.Headers.Add(BedrockEmbeddings.TokenCountHeader, "9");

        var (body, request) = Write(driver.Embeddings, target, "a", "b");
        var floats = Read(driver.Embeddings, target, """{"embeddings":[[1],[2]],"response_type":"embeddings_floats"}""", 2, response.Headers);
        var byType = Read(driver.Embeddings, target, """{"embeddings":{"float":[[1],[2]]}}""", 2);

        Assert.Equal("""{"texts":["a","b"],"input_type":"search_document"}""", body.GetRawText());
        Assert.Equal("application/json", Header(request, "Accept"));
        Assert.Equal(96, driver.Embeddings.MaxInputs(target));
        Assert.Equal([[1f], [2f]], floats.Vectors);
        Assert.Equal(9, floats.PromptTokens);
        Assert.Equal([[1f], [2f]], byType.Vectors);
        Assert.Equal(0, byType.PromptTokens);
    }

    [Fact]
    public void Cohere_writes_v2_embed_with_float_embeddings_and_reads_the_billed_tokens()
    {
        var driver = new CohereDriver();
        var target = Embedder("cohere", "embed-english-v3.0");

        var (body, _) = Write(driver.Embeddings, target, "a", "b");
        var answer = Read(driver.Embeddings, target, """{"embeddings":{"float":[[1,2],[3,4]]},"meta":{"billed_units":{"input_tokens":5}}}""", 2);

        Assert.Equal("https://api.cohere.com/v2/embed", driver.ResolveUrl(target, null, false)!.ToString());
        Assert.Equal("https://api.cohere.com/v2/chat", driver.ResolveUrl(target with { RouteType = Kong.Chat }, null, false)!.ToString());
        Assert.Equal("""{"model":"embed-english-v3.0","texts":["a","b"],"input_type":"classification","embedding_types":["float"]}""", body.GetRawText());
        Assert.Equal([[1f, 2f], [3f, 4f]], answer.Vectors);
        Assert.Equal(5, answer.PromptTokens);
        Assert.Throws<FormatException>(() => Read(driver.Embeddings, target, "not json", 2));
    }
}
