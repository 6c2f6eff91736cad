using System.Net;
using System.Text.Json;
using Actors.Api.Configuration;
using Actors.Api.Providers;
using Actors.Tests.Support;

namespace Actors.Tests.Providers.ClientFormats;

/// <summary>
/// <c>llm_format: gemini</c> and <c>bedrock</c>: the SDKs' native endpoints under the route, passed through to the
/// same provider (as Kong allows them), answers and streams back byte for byte with their tokens counted; any other
/// provider under these formats is refused when the config is checked.
/// </summary>
public sealed class NativeFormatGatewayTests : TestWithUpstreams
{
    private const string GeminiAsk = """{"contents":[{"role":"user","parts":[{"text":"Who is the greatest Polish writer?"}]}],"generationConfig":{"temperature":0.1}}""";
    private const string BedrockAsk = """{"messages":[{"role":"user","content":[{"text":"Who is the greatest Polish writer?"}]}],"system":[{"text":"Be brief."}]}""";

    private static string Deck(string format, string name, string provider, string baseUrl) =>
        ProviderDeck.Route(name, [(provider, baseUrl)]).Replace("      config:\n", $"      config:\n        llm_format: {format}\n");

    private async Task<(PipelineHost Host, Actors.FakeOpenAI.FakeOpenAIServer Fake)> HostAsync(string format)
    {
        var fake = await FakeAsync();
        var deck = Deck(format, "native", format, fake.BaseUrl).Replace("name: gemini-e2e, options: {", "name: gemini-e2e, options: {temperature: 0.5, ");
        return (await Own(PipelineHost.StartAsync(deck, environment: ProviderDeck.Environment)), fake);
    }

    [Fact]
    public async Task A_Gemini_client_is_passed_through_to_Gemini_answers_and_streams_native()
    {
        var (host, fake) = await HostAsync("gemini");

        using var answer = await host.ChatAsync("/native/v1beta/models/gemini-any:generateContent", GeminiAsk);
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.True(answer.StatusCode == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal("Fake answer from gemini-e2e.", body.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());

        using var stream = await host.ChatAsync("/native/v1beta/models/gemini-any:streamGenerateContent?alt=sse", GeminiAsk, HttpCompletionOption.ResponseHeadersRead);
        var events = await stream.Content.ReadAsStringAsync();
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"candidates\"", events);
        Assert.DoesNotContain("chat.completion", events);

        var sent = fake.Requests.ToArray();
        Assert.Equal(["/v1beta/models/gemini-e2e:generateContent", "/v1beta/models/gemini-e2e:streamGenerateContent?alt=sse"], sent.Select(r => r.PathAndQuery));
        // The configured temperature wins over the client's, in Gemini's own field.
        Assert.Equal(0.5, JsonDocument.Parse(sent[0].Body).RootElement.GetProperty("generationConfig").GetProperty("temperature").GetDouble());
        Assert.Equal("gemini-e2e-key", sent[0].Headers["x-goog-api-key"]);
        var reports = await host.Picker.WaitForReportsAsync(2);
        Assert.All(reports, r => Assert.Equal(4, r.CompletionTokens));
    }

    [Fact]
    public async Task A_Bedrock_client_is_passed_through_to_Bedrock_signed_answers_and_streams_native()
    {
        var (host, fake) = await HostAsync("bedrock");

        using var answer = await host.ChatAsync("/native/model/any-model/converse", BedrockAsk);
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.True(answer.StatusCode == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal("Fake answer from bedrock-e2e.", body.GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString());

        using var stream = await host.ChatAsync("/native/model/any-model/converse-stream", BedrockAsk, HttpCompletionOption.ResponseHeadersRead);
        var frames = await stream.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("application/vnd.amazon.eventstream", stream.Content.Headers.ContentType!.MediaType);
        Assert.Contains("contentBlockDelta", System.Text.Encoding.UTF8.GetString(frames));

        var sent = fake.Requests.ToArray();
        Assert.Equal(["/model/bedrock-e2e/converse", "/model/bedrock-e2e/converse-stream"], sent.Select(r => r.PathAndQuery));
        Assert.All(sent, r => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIAE2EEXAMPLE/", r.Headers["Authorization"]));
        var reports = await host.Picker.WaitForReportsAsync(2);
        Assert.All(reports, r => Assert.Equal(4, r.CompletionTokens));
    }

    [Theory]
    [InlineData("gemini", "/native/v1beta/models/m:countTokens", 404)]
    [InlineData("gemini", "/native/v1beta/models/m:generateContent", 400)]
    [InlineData("bedrock", "/native/model/m/invoke", 404)]
    [InlineData("bedrock", "/native/model/m/converse", 400)]
    public async Task Unknown_operations_and_bodies_without_contents_are_refused_in_the_formats_shape(string format, string path, int status)
    {
        var (host, fake) = await HostAsync(format);

        using var response = await host.ChatAsync(path, """{"nothing":1}""");

        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (format == "gemini") Assert.Equal(status, error.GetProperty("error").GetProperty("code").GetInt32());
        else Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(0, fake.RequestCount);
    }

    [Theory]
    [InlineData("gemini", "openai")]
    [InlineData("bedrock", "anthropic")]
    public void A_native_format_over_another_provider_is_refused_saying_why(string format, string provider)
    {
        var parsed = new DeckConfigParser(ProviderRegistry.Default, n => ProviderDeck.Environment.GetValueOrDefault(n) ?? "x")
            .Parse(Deck(format, "mixed", provider, "http://127.0.0.1:9"), json: false);

        var problem = Assert.Single(parsed.Problems);
        Assert.Contains($"config.targets[0].model.provider: llm_format '{format}' passes the client's native request through, so every target must be provider '{format}' (this one is '{provider}')", problem.ToString());
    }
}
