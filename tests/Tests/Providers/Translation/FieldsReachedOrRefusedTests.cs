using System.Text.Json;
using Actors.Api.Providers.Cohere;
using Actors.Api.Providers.Ollama;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Translation;

/// <summary>
/// JSON mode reaches Cohere and Ollama in their own terms and is refused by Bedrock, a format OpenAI does not have is
/// refused by name, and an image by URL is refused by the providers that take images inline only: never a silent drop.
/// </summary>
public sealed class FieldsReachedOrRefusedTests
{
    private const string Schema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private static string Chat(string responseFormat) =>
        $$$"""{"messages":[{"role":"user","content":"Where?"}],"response_format":{{{responseFormat}}}}""";

    private static readonly string JsonObject = Chat("""{"type":"json_object"}""");
    private static readonly string JsonSchema = Chat($$$"""{"type":"json_schema","json_schema":{"name":"place","strict":true,"schema":{{{Schema}}}}}""");

    [Fact]
    public void Ollama_takes_json_mode_as_format_json_or_the_schema_itself()
    {
        var driver = new OllamaDriver();

        Assert.Equal("json", Write(driver, JsonObject, Target("ollama")).Body.GetProperty("format").GetString());
        var schema = Write(driver, JsonSchema, Target("ollama")).Body.GetProperty("format");
        Assert.Equal(JsonValueKind.Object, schema.ValueKind);
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.False(Write(driver, Chat("""{"type":"text"}"""), Target("ollama")).Body.TryGetProperty("format", out _));
    }

    [Fact]
    public void Cohere_takes_json_mode_as_its_json_object_format_with_the_schema()
    {
        var driver = new CohereDriver();

        var plain = Write(driver, JsonObject, Target("cohere")).Body.GetProperty("response_format");
        var withSchema = Write(driver, JsonSchema, Target("cohere")).Body.GetProperty("response_format");

        Assert.Equal("json_object", plain.GetProperty("type").GetString());
        Assert.False(plain.TryGetProperty("json_schema", out _));
        Assert.Equal("json_object", withSchema.GetProperty("type").GetString());
        Assert.Equal(["city"], withSchema.GetProperty("json_schema").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("""{"type":"yaml"}""", "'response_format.type'")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x"}}""", "'response_format.json_schema.schema'")]
    public void A_format_openai_does_not_have_is_refused_naming_the_field(string format, string named)
    {
        var error = Assert.Throws<NotSupportedException>(() => Write(new CohereDriver(), Chat(format), Target("cohere")));
        Assert.Contains(named, error.Message);
        Assert.Throws<NotSupportedException>(() => Write(new OllamaDriver(), Chat(format), Target("ollama")));
    }

    [Fact]
    public void Bedrock_has_no_json_mode_so_asking_for_one_is_refused_not_dropped()
    {
        var target = Target("bedrock", "anthropic.claude-3-haiku", new() { ["bedrock.aws_region"] = "us-east-1" })
            with { AwsAccessKeyId = "AKIDEXAMPLE", AwsSecretAccessKey = "secret" };
        var driver = new Actors.Api.Providers.Bedrock.BedrockDriver(_ => null, TimeProvider.System);

        var error = Assert.Throws<NotSupportedException>(() => Write(driver, JsonObject, target));

        Assert.Contains("'response_format'", error.Message);
        Assert.Equal(JsonValueKind.Array, Write(driver, Chat("""{"type":"text"}"""), target).Body.GetProperty("messages").ValueKind);
    }

    [Fact]
    public void An_image_by_url_is_refused_by_name_for_providers_that_take_images_inline_only()
    {
        const string ByUrl = """{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"what is it?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""";
        const string Inline = """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""";
        var bedrock = Target("bedrock", "anthropic.claude-3-haiku", new() { ["bedrock.aws_region"] = "us-east-1" })
            with { AwsAccessKeyId = "AKIDEXAMPLE", AwsSecretAccessKey = "secret" };
        var bedrockDriver = new Actors.Api.Providers.Bedrock.BedrockDriver(_ => null, TimeProvider.System);

        Assert.Contains("'messages[1].content[1].image_url'", Assert.Throws<NotSupportedException>(() => Write(new OllamaDriver(), ByUrl, Target("ollama"))).Message);
        Assert.Contains("'messages[1].content[1].image_url'", Assert.Throws<NotSupportedException>(() => Write(bedrockDriver, ByUrl, bedrock)).Message);
        Assert.Equal("iVBORw0KGgo=", Write(new OllamaDriver(), Inline, Target("ollama")).Body.GetProperty("messages")[0].GetProperty("images")[0].GetString());
        Assert.Equal(JsonValueKind.Array, Write(bedrockDriver, Inline, bedrock).Body.GetProperty("messages").ValueKind);
    }
}
