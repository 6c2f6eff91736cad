using System.Text;
using System.Text.Json;
using Actors.Api.Forwarding;
using Actors.Api.Providers;
using Actors.Api.Providers.ClientFormats;
using Actors.Api.Providers.Exchanges;
using Actors.Api.Proxy;
using Actors.Grains.Interfaces.Configuration;
using CommunityToolkit.HighPerformance.Buffers;
using Microsoft.AspNetCore.Http;

namespace Actors.Tests.Providers.Exchanges;

/// <summary>The one decision per target: how its requests are written and how its answers come back.</summary>
public sealed class TargetExchangesTests
{
    private const string Url = "http://127.0.0.1:9/v1/chat/completions";
    private static readonly byte[] Chat = """{"model":"mine","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray();
    private static readonly byte[] StreamedChat = """{"model":"mine","stream":true,"messages":[{"role":"user","content":"hi"}]}"""u8.ToArray();
    private static readonly byte[] AnthropicMessages = """{"model":"c","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""u8.ToArray();

    private static TargetExchange Create(string provider, string routeType = RouteTypes.Chat, string? format = null, string? url = Url)
    {
        var target = new ProviderTarget
        {
            Provider = provider, ModelName = "the-model", RouteType = routeType,
            Options = new Dictionary<string, string> { ["bedrock.aws_region"] = "us-east-1", ["azure_instance"] = "i", ["azure_deployment_id"] = "d" },
            AwsAccessKeyId = "AKIDEXAMPLE", AwsSecretAccessKey = "secret",
        };
        var exchange = TargetExchanges.Create(ProviderRegistry.Default.Find(provider), target, url, ClientFormatRegistry.Find(format ?? ""), out var problem);
        Assert.Null(problem);
        return exchange!;
    }

    private static PreparedRequest Prepare(TargetExchange exchange, byte[] body, bool stream = false, bool includeUsage = false)
    {
        using var output = new ArrayPoolBufferWriter<byte>();
        var client = new DefaultHttpContext().Request;
        client.Method = "POST";
        var prepared = exchange.Prepare(new ExchangeRequest(client, body, new ChatRequestInfo(stream, includeUsage)), output, out var error);
        Assert.Null(error);
        // the body's memory belongs to the writer: keep a copy for the assertions
        return prepared! with { Body = prepared.Body.ToArray() };
    }

    [Fact]
    public void An_openai_chat_target_is_rewritten_byte_for_byte_and_its_answer_passes_through()
    {
        var exchange = Create("openai");
        var prepared = Prepare(exchange, Chat);

        Assert.IsType<RewritingExchange>(exchange);
        Assert.False(prepared.Answer.Translates);
        Assert.Equal("""{"model":"the-model","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8.GetString(prepared.Body.Span));
        Assert.Equal(529, prepared.Answer.FailoverStatus(529));
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("gemini")]
    [InlineData("bedrock")]
    [InlineData("cohere")]
    [InlineData("ollama")]
    public void A_native_provider_gets_its_drivers_request_and_its_answers_are_translated(string provider)
    {
        var exchange = Create(provider);
        var prepared = Prepare(exchange, Chat);

        Assert.IsType<TranslatingExchange>(exchange);
        Assert.True(prepared.Answer.Translates);
        // Anthropic's 529 overloaded fails over as the 503 the client would get
        Assert.Equal(503, prepared.Answer.FailoverStatus(529));
        Assert.DoesNotContain("\"mine\"", Encoding.UTF8.GetString(prepared.Body.Span));
    }

    [Fact]
    public void A_stream_goes_to_the_stream_endpoint_and_the_usage_asked_for_is_kept_per_request()
    {
        var gemini = Create("gemini", url: null);
        var plain = Prepare(gemini, Chat);
        var streamed = Prepare(gemini, StreamedChat, stream: true, includeUsage: true);

        Assert.Contains(":generateContent", plain.Url.ToString());
        Assert.Contains(":streamGenerateContent", streamed.Url.ToString());
        Assert.True(streamed.Stream);
        Assert.NotSame(plain.Answer, streamed.Answer);
        Assert.Same(plain.Answer, Prepare(gemini, Chat).Answer);   // made once per target, not per request
    }

    [Fact]
    public void Embeddings_are_translated_for_a_provider_with_its_own_api_and_rewritten_for_openai()
    {
        var gemini = Create("gemini", RouteTypes.Embeddings, url: null);
        var openai = Create("openai", RouteTypes.Embeddings, url: "http://127.0.0.1:9/v1/embeddings");
        var input = """{"input":["a","b"],"model":"x"}"""u8.ToArray();

        Assert.IsType<EmbeddingsExchange>(gemini);
        Assert.True(Prepare(gemini, input).Answer.Translates);
        Assert.IsType<RewritingExchange>(openai);
        Assert.Equal("""{"model":"the-model","input":["a","b"]}""", Encoding.UTF8.GetString(Prepare(openai, input).Body.Span));
    }

    [Fact]
    public void Preserve_sends_the_clients_method_path_and_body_and_passes_the_answer_through()
    {
        var exchange = Create("anthropic", RouteTypes.Preserve, url: "http://127.0.0.1:9/anything");
        using var output = new ArrayPoolBufferWriter<byte>();
        var client = new DefaultHttpContext().Request;
        (client.Method, client.Path, client.QueryString) = ("PUT", "/route/v1/files", new QueryString("?a=1"));
        var prepared = exchange.Prepare(new ExchangeRequest(client, "raw"u8.ToArray(), default), output, out _)!;

        Assert.IsType<PreserveExchange>(exchange);
        Assert.Equal(HttpMethod.Put, prepared.Method);
        Assert.Equal("http://127.0.0.1:9/route/v1/files?a=1", prepared.Url.ToString());
        Assert.Equal("raw", Encoding.UTF8.GetString(prepared.Body.Span));
        Assert.False(prepared.Answer.Translates);
    }

    [Fact]
    public void An_anthropic_client_reaches_anthropic_natively_and_any_other_provider_through_the_codec()
    {
        var native = Create("anthropic", format: "anthropic");
        var toOpenAI = Create("openai", format: "anthropic");
        var toGemini = Create("gemini", format: "anthropic", url: null);

        Assert.IsType<NativeExchange>(native);
        Assert.IsType<CodecExchange>(toOpenAI);
        Assert.IsType<CodecExchange>(toGemini);
        // natively the client's body goes through with the target's model written in
        using (var body = JsonDocument.Parse(Prepare(native, AnthropicMessages).Body))
            Assert.Equal("the-model", body.RootElement.GetProperty("model").GetString());
        // through the codec OpenAI gets an OpenAI chat request, and the answer comes back in Anthropic's shape
        var openAI = Prepare(toOpenAI, AnthropicMessages);
        using (var body = JsonDocument.Parse(openAI.Body))
            Assert.Equal("user", body.RootElement.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.True(openAI.Answer.Translates);
        var answer = openAI.Answer.TranslateBody("""{"id":"c1","model":"the-model","choices":[{"index":0,"message":{"role":"assistant","content":"yo"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"""u8,
            new HttpResponseMessage().Headers)!;
        using (var body = JsonDocument.Parse(answer.Body))
            Assert.Equal("message", body.RootElement.GetProperty("type").GetString());
        Assert.Equal((3, 1), (answer.PromptTokens, answer.CompletionTokens));
    }

    [Fact]
    public void A_target_this_node_cannot_serve_says_why()
    {
        var target = new ProviderTarget { Provider = "openai", ModelName = "m", RouteType = RouteTypes.Chat };

        Assert.Null(TargetExchanges.Create(null, target with { Provider = "nope" }, Url, null, out var noDriver));
        Assert.Null(TargetExchanges.Create(ProviderRegistry.Default.Find("openai"), target, Url, ClientFormatRegistry.Find("gemini"), out var format));
        Assert.Null(TargetExchanges.Create(ProviderRegistry.Default.Find("anthropic"), target with { Provider = "anthropic", RouteType = RouteTypes.Embeddings },
            Url, null, out var routeType));

        Assert.Equal("provider 'nope' has no driver on this gateway node", noDriver);
        Assert.Equal("provider 'openai' cannot serve clients of llm_format 'gemini'", format);
        Assert.Equal("provider 'anthropic' does not serve route type 'llm/v1/embeddings' on this gateway node", routeType);
    }

    [Fact]
    public void A_query_credential_is_baked_into_both_endpoints_once()
    {
        var target = new ProviderTarget
        {
            Provider = "gemini", ModelName = "m", AuthParamName = "key", AuthParamValue = "s3cret", AuthParamLocation = ParamLocations.Query,
        };
        var exchange = TargetExchanges.Create(ProviderRegistry.Default.Find("gemini"), target, null, null, out _)!;

        Assert.EndsWith("key=s3cret", exchange.Url!.Query);
        Assert.EndsWith("key=s3cret", exchange.StreamUrl!.Query);
        Assert.Contains("alt=sse", exchange.StreamUrl.Query);
    }
}
