using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using Actors.FakeOpenAI;
using Actors.FakeOpenAI.Native;
using Actors.Tests.Support;
using OpenAI;
using OpenAI.Chat;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Gemini;

/// <summary>
/// OpenAI clients through the whole pipeline (decK, route table, forwarder, Gemini driver) to the fake Gemini, which
/// is as strict as Google's: a Gemini 3 model signs its function calls and refuses a follow-up that lost the signature.
/// </summary>
public sealed class GeminiGatewayTests : TestWithUpstreams
{
    private const string Gemini3 = "gemini-3-flash-preview";
    private const string SearchTool = """{"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{"query":{"type":"string"}}}}}""";

    private async Task<(PipelineHost Host, FakeOpenAIServer Fake)> GatewayAsync(string model = Gemini3)
    {
        var fake = await FakeAsync();
        var target = $"        - model: {{provider: gemini, name: {model}, options: {{upstream_url: '{fake.BaseUrl}/v1beta/models/{model}:generateContent'}}}}\n"
            + "          route_type: llm/v1/chat\n"
            + "          auth: {header_name: x-goog-api-key, header_value: '${{ env \"DECK_GEMINI_API_KEY\" }}'}\n";
        var host = await Own(PipelineHost.StartAsync(ProviderDeck.Document("gem", "algorithm: round-robin", [target]), environment: ProviderDeck.Environment));
        return (host, fake);
    }

    private static ChatClient Sdk(PipelineHost host) => new("any-model", new ApiKeyCredential("sk-client-never-forwarded"),
        new OpenAIClientOptions { Endpoint = new Uri(host.Client.BaseAddress!, "/gem"), Transport = new HttpClientPipelineTransport(host.Client) });

    private static JsonElement LastGeminiBody(FakeOpenAIServer fake) => JsonDocument.Parse(fake.Requests.Last().Body).RootElement;

    [Fact]
    public async Task Two_turn_tool_calling_with_the_openai_sdk_gives_gemini_3_its_signature_back()
    {
        var (host, fake) = await GatewayAsync();
        var client = Sdk(host);
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("search", "Searches", BinaryData.FromString("""{"type":"object","properties":{"query":{"type":"string"}}}""")) },
        };
        List<ChatMessage> messages = [new UserChatMessage("Who is the greatest Polish writer?")];

        ChatCompletion first = await client.CompleteChatAsync(messages, options);
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("search", call.FunctionName);

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "Mickiewicz"));
        ChatCompletion second = await client.CompleteChatAsync(messages, options);

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal($"Fake answer from {Gemini3}.", second.Content[0].Text);
        var replayed = LastGeminiBody(fake).GetProperty("contents")[1].GetProperty("parts")[0];
        Assert.Equal("search", replayed.GetProperty("functionCall").GetProperty("name").GetString());
        // The very signature Gemini gave, not Google's stand-in for unsigned calls.
        Assert.Equal(FakeGemini.Signature(Gemini3), replayed.GetProperty("thoughtSignature").GetString());
    }

    [Fact]
    public async Task Streamed_tool_call_carries_the_signature_and_the_follow_up_succeeds()
    {
        var (host, fake) = await GatewayAsync();
        const string ask = """{"role":"user","content":"Who is the greatest Polish writer?"}""";

        using var streamed = await host.ChatAsync("/gem", $$"""{"messages":[{{ask}}],"tools":[{{SearchTool}}],"stream":true}""", HttpCompletionOption.ResponseHeadersRead);
        var chunks = Events(await streamed.Content.ReadAsStringAsync());
        Assert.Equal("tool_calls", FinishReason(chunks));
        var call = chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta")).Single(d => d.TryGetProperty("tool_calls", out _)).GetProperty("tool_calls")[0];
        Assert.Equal(FakeGemini.Signature(Gemini3), call.GetProperty("extra_content").GetProperty("google").GetProperty("thought_signature").GetString());

        // The client sends the call back as it got it (OpenAI's shape: the delta's index left out).
        var id = call.GetProperty("id").GetString();
        var assistant = $$"""{"role":"assistant","content":null,"tool_calls":[{"id":"{{id}}","type":"function","function":{{call.GetProperty("function").GetRawText()}},"extra_content":{{call.GetProperty("extra_content").GetRawText()}}}]}""";
        using var second = await host.ChatAsync("/gem", $$"""{"messages":[{{ask}},{{assistant}},{"role":"tool","tool_call_id":"{{id}}","content":"Mickiewicz"}],"tools":[{{SearchTool}}],"stream":true}""",
            HttpCompletionOption.ResponseHeadersRead);
        var text = await second.Content.ReadAsStringAsync();
        Assert.True(second.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal($"Fake answer from {Gemini3}.", Text(Events(text)));
        Assert.Equal(FakeGemini.Signature(Gemini3), LastGeminiBody(fake).GetProperty("contents")[1].GetProperty("parts")[0].GetProperty("thoughtSignature").GetString());
    }

    [Fact]
    public async Task A_history_from_another_provider_reaches_gemini_3_with_googles_stand_in_signature()
    {
        var (host, fake) = await GatewayAsync();
        using var response = await host.ChatAsync("/gem", $$$"""
            {"messages":[{"role":"user","content":"Hi"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_openai","type":"function","function":{"name":"search","arguments":"{\"query\":\"x\"}"}}]},
              {"role":"tool","tool_call_id":"call_openai","content":"found"}],"tools":[{{{SearchTool}}}]}
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("skip_thought_signature_validator",
            LastGeminiBody(fake).GetProperty("contents")[1].GetProperty("parts")[0].GetProperty("thoughtSignature").GetString());
    }

    [Fact]
    public async Task The_fake_refuses_an_unsigned_or_altered_gemini_3_call_as_google_does()
    {
        var fake = await FakeAsync();
        using var client = new HttpClient();
        async Task<(int Status, JsonElement Error)> SendAsync(string callPart)
        {
            var body = $$$$"""
                {"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{{{{callPart}}}}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"search","response":{"content":"found"}}}]}]}
                """;
            using var response = await client.PostAsync($"{fake.BaseUrl}/v1beta/models/{Gemini3}:generateContent?key=k", new StringContent(body, Encoding.UTF8, "application/json"));
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return ((int)response.StatusCode, json.TryGetProperty("error", out var error) ? error.Clone() : default);
        }

        var (status, error) = await SendAsync("""{"functionCall":{"name":"search","args":{}}}""");
        Assert.Equal(400, status);
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("status").GetString());
        Assert.StartsWith("Function call is missing a thought_signature in functionCall parts.", error.GetProperty("message").GetString());
        Assert.Contains("`default_api:search` , position 2.", error.GetProperty("message").GetString());

        Assert.Equal(400, (await SendAsync("""{"functionCall":{"name":"search","args":{}},"thoughtSignature":"Zm9yZ2Vk"}""")).Status);
        Assert.Equal(200, (await SendAsync($$$"""{"functionCall":{"name":"search","args":{}},"thoughtSignature":"{{{FakeGemini.Signature(Gemini3)}}}"}""")).Status);
        // Gemini 2.5 does not check.
        using var older = await client.PostAsync($"{fake.BaseUrl}/v1beta/models/gemini-2.5-flash:generateContent?key=k", new StringContent("""
            {"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"functionCall":{"name":"search","args":{}}}]},
              {"role":"user","parts":[{"functionResponse":{"name":"search","response":{}}}]}]}
            """, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
    }

    [Fact]
    public async Task The_fake_refuses_a_response_schema_without_json_output()
    {
        var fake = await FakeAsync();
        using var client = new HttpClient();
        using var response = await client.PostAsync($"{fake.BaseUrl}/v1beta/models/gemini-2.5-flash:generateContent?key=k", new StringContent("""
            {"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{"responseJsonSchema":{"type":"object"}}}
            """, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("response_mime_type", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_schema_reasoning_and_an_image_url_reach_gemini_and_usage_counts_thinking()
    {
        var (host, fake) = await GatewayAsync();
        using var response = await host.ChatAsync("/gem", """
            {"messages":[{"role":"user","content":[{"type":"text","text":"Describe"},{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}],
             "response_format":{"type":"json_schema","json_schema":{"name":"d","schema":{"type":"object","properties":{"text":{"type":"string"}}}}},
             "reasoning_effort":"low","seed":7}
            """);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var usage = JsonDocument.Parse(text).RootElement.GetProperty("usage");
        Assert.Equal(3, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(4 + 3, usage.GetProperty("completion_tokens").GetInt32());
        var config = LastGeminiBody(fake).GetProperty("generationConfig");
        Assert.Equal("LOW", config.GetProperty("thinkingConfig").GetProperty("thinkingLevel").GetString());
        Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
        Assert.Equal("image/jpeg", LastGeminiBody(fake).GetProperty("contents")[0].GetProperty("parts")[1].GetProperty("fileData").GetProperty("mimeType").GetString());
    }

    [Fact]
    public async Task A_field_gemini_cannot_take_is_a_400_naming_it_and_nothing_is_sent()
    {
        var (host, fake) = await GatewayAsync();
        using var response = await host.ChatAsync("/gem", """{"messages":[{"role":"user","content":"Hi"}],"logit_bias":{"50256":-100}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await Json(response))["error"]!;
        Assert.StartsWith("the request cannot be sent to provider 'gemini': field 'logit_bias'", error["message"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());

        using var image = await host.ChatAsync("/gem", """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/render?id=1"}}]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, image.StatusCode);
        Assert.Contains("field 'messages[0].content[0].image_url'", (await Json(image))["error"]!["message"]!.GetValue<string>());
        Assert.Equal(0, fake.RequestCount);
    }
}
