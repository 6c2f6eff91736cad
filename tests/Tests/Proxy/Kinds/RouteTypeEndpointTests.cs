using System.Text;
using Actors.Api.Forwarding;
using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Proxy.Kinds;

/// <summary>Where each route type goes by default, and how each API's usage is read.</summary>
public class RouteTypeEndpointTests
{
    private static Uri? Resolve(string provider, string routeType, Dictionary<string, string>? options = null, string? configured = null) =>
        ProviderRegistry.Default.Find(provider)!.ResolveUrl(
            new ProviderTarget { Provider = provider, ModelName = "m", RouteType = routeType, Options = options ?? [] }, configured, stream: false);

    [Theory]
    [InlineData(RouteTypes.Chat, "https://api.openai.com/v1/chat/completions")]
    [InlineData(RouteTypes.Completions, "https://api.openai.com/v1/completions")]
    [InlineData(RouteTypes.Embeddings, "https://api.openai.com/v1/embeddings")]
    [InlineData(RouteTypes.Responses, "https://api.openai.com/v1/responses")]
    public void OpenAI_defaults_to_each_route_types_path_as_Kong_does(string routeType, string expected) =>
        Assert.Equal(expected, Resolve("openai", routeType)!.ToString());

    [Fact]
    public void A_configured_upstream_url_is_the_whole_endpoint_whatever_the_route_type() =>
        Assert.Equal("http://10.0.0.1:8080/custom", Resolve("openai", RouteTypes.Embeddings, configured: "http://10.0.0.1:8080/custom")!.ToString());

    [Fact]
    public void Openai_compatible_providers_move_their_default_chat_endpoint_to_the_route_types_sibling()
    {
        var azure = new Dictionary<string, string> { ["azure_instance"] = "acme", ["azure_deployment_id"] = "ada" };
        Assert.Equal("https://acme.openai.azure.com/openai/deployments/ada/embeddings?api-version=2023-05-15",
            Resolve("azure", RouteTypes.Embeddings, azure)!.ToString());
        Assert.Equal("https://api.mistral.ai/v1/embeddings", Resolve("mistral", RouteTypes.Embeddings)!.ToString());
        // mistral in ollama format has no embeddings here: no URL, so the target is refused on the node
        Assert.Null(Resolve("mistral", RouteTypes.Embeddings, new() { ["mistral_format"] = "ollama" }));
    }

    [Fact]
    public void Drivers_declare_the_route_types_they_serve()
    {
        Assert.Equal(RouteTypes.Supported.Order(StringComparer.Ordinal), ProviderRegistry.Default.Find("openai")!.RouteTypes.Order(StringComparer.Ordinal));
        Assert.Contains(RouteTypes.Embeddings, ProviderRegistry.Default.Find("azure")!.RouteTypes);
        Assert.DoesNotContain(RouteTypes.Embeddings, ProviderRegistry.Default.Find("anthropic")!.RouteTypes);
        Assert.Equal([RouteTypes.Chat, RouteTypes.Embeddings], ProviderRegistry.Default.Find("bedrock")!.RouteTypes);
        Assert.Contains(RouteTypes.Embeddings, ProviderRegistry.Default.Find("gemini")!.RouteTypes);
        Assert.Contains(RouteTypes.Embeddings, ProviderRegistry.Default.Find("cohere")!.RouteTypes);
    }

    [Fact]
    public void Embeddings_and_responses_usage_are_read_from_whole_bodies()
    {
        var embeddings = """{"object":"list","data":[{"embedding":[0.1,0.2]}],"model":"m","usage":{"prompt_tokens":8,"total_tokens":8}}"""u8;
        var response = """{"id":"resp_1","output":[],"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":3},"output_tokens":5,"total_tokens":17}}"""u8;

        var scanner = new JsonUsageScanner();
        scanner.Feed(embeddings);
        Assert.Equal((8, 0), (scanner.PromptTokens, scanner.CompletionTokens));
        scanner = new JsonUsageScanner();
        foreach (var b in response.ToArray()) scanner.Feed([b]); // split anywhere
        Assert.Equal((12, 5), (scanner.PromptTokens, scanner.CompletionTokens));
    }

    [Fact]
    public void A_streamed_response_counts_the_usage_of_response_completed()
    {
        var events = """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"r","usage":null}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","delta":"usage"}

            event: response.completed
            data: {"type":"response.completed","response":{"id":"r","output":[{"content":[{"text":"x"}]}],"usage":{"input_tokens":21,"output_tokens":4,"total_tokens":25}}}


            """;
        var scanner = new SseUsageScanner();
        scanner.Feed(Encoding.UTF8.GetBytes(events.Replace("\r\n", "\n")));
        Assert.Equal((21, 4), (scanner.PromptTokens, scanner.CompletionTokens));
    }
}
