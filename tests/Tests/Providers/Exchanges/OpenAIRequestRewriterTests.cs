using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Actors.Api.Providers;
using Actors.Api.Proxy;
using Actors.Api.Providers.Exchanges;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Providers.Exchanges;

/// <summary>A target that speaks OpenAI's API: the client's request rewritten byte for byte.</summary>
public class OpenAIRequestRewriterTests
{
    private static ResolvedTarget Target(ModelOptions options, AuthSpec? auth = null) => ResolvedTarget.Resolve(0,
        new TargetSpec { Provider = "openai", ModelName = "gpt-5", Options = options with { UpstreamUrl = "http://127.0.0.1:9/v1/chat/completions" }, Auth = auth ?? new AuthSpec() },
        ProviderRegistry.Default, name => name == "DECK_KEY" ? "secret-value" : null);

    private static JsonObject Rewrite(string body, ResolvedTarget target)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.True(ChatRequestReader.IsValid(bytes, out _));
        var output = new ArrayBufferWriter<byte>();
        new OpenAIRequestRewriter(target.Provider).Write(bytes, output);
        return JsonNode.Parse(output.WrittenSpan)!.AsObject();
    }

    [Fact]
    public void The_target_model_and_configured_options_replace_the_clients()
    {
        var result = Rewrite("""{"model":"mine","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"top_p":0.5,"user":"u1"}""",
            Target(new ModelOptions { Temperature = 1.0, MaxTokens = 77 }));

        Assert.Equal("gpt-5", (string)result["model"]!);
        Assert.Equal(1.0, (double)result["temperature"]!);
        Assert.Equal(77, (int)result["max_completion_tokens"]!); // gpt-5 is a reasoning model: it refuses max_tokens
        Assert.Equal(0.5, (double)result["top_p"]!);       // not configured: the client's value stays
        Assert.Equal("u1", (string)result["user"]!);        // unknown fields pass through
        Assert.Equal("hi", (string)result["messages"]![0]!["content"]!);
        Assert.Equal(1, result.Count(p => p.Key == "temperature"));
    }

    [Fact]
    public void Untouched_fields_are_copied_byte_for_byte_even_odd_unicode()
    {
        const string body = """{ "user" : "\ud800 caf\u00e9" , "messages":[ {"role":"user","content":"x"} ], "model":"mine", "n" : 1.50 }""";
        var output = new ArrayBufferWriter<byte>();

        new OpenAIRequestRewriter(Target(new ModelOptions { Temperature = 0.5 }).Provider).Write(Encoding.UTF8.GetBytes(body), output);

        Assert.Equal("""{"model":"gpt-5","user" : "\ud800 caf\u00e9","messages":[ {"role":"user","content":"x"} ],"n" : 1.50,"temperature":0.5}""",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void A_body_credential_is_added_and_a_query_credential_goes_into_the_url()
    {
        var body = Rewrite("""{"messages":[{"role":"user"}],"api_key":"client"}""",
            Target(new ModelOptions(), new AuthSpec { ParamName = "api_key", ParamValue = "${{ env \"DECK_KEY\" }}", ParamLocation = "body" }));
        var query = Target(new ModelOptions(), new AuthSpec { ParamName = "key", ParamValue = "${{ env \"DECK_KEY\" }}", ParamLocation = "query" });

        Assert.Equal("secret-value", (string)body["api_key"]!);
        Assert.Equal("?key=secret-value", query.Exchange!.Url!.Query);
        Assert.DoesNotContain("secret", query.ToString());
    }

    [Fact]
    public void A_target_whose_variable_is_unset_on_this_node_names_it()
    {
        var target = Target(new ModelOptions(), new AuthSpec { HeaderName = "Authorization", HeaderValue = "Bearer ${{ env \"DECK_OTHER\" }}" });

        Assert.Equal("environment variable DECK_OTHER is not set on this gateway node", target.Problem);
    }
}
