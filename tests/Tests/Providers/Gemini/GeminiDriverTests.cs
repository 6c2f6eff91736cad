using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Gemini;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Gemini;

public sealed class GeminiDriverTests(FakeServerFixture fake) : IClassFixture<FakeServerFixture>
{
    private readonly GeminiDriver _driver = new();
    private static ProviderTarget Flash => Target("gemini", "gemini-2.5-flash") with { AuthHeaderName = "x-goog-api-key", AuthHeaderValue = "AIza-test" };

    [Fact]
    public void Urls_follow_kong_public_vertex_and_configured_with_the_stream_endpoint()
    {
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
            _driver.ResolveUrl(Flash, null, stream: false)!.ToString());
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            _driver.ResolveUrl(Flash, null, stream: true)!.ToString());
        var vertex = Flash with { Options = new Dictionary<string, string> { ["gemini.api_endpoint"] = "us-central1-aiplatform.googleapis.com", ["gemini.project_id"] = "proj", ["gemini.location_id"] = "us-central1" } };
        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
            _driver.ResolveUrl(vertex, null, false)!.ToString());
        Assert.Equal("http://127.0.0.1:9/v1beta/models/m:streamGenerateContent?key=k&alt=sse",
            _driver.ResolveUrl(Flash, "http://127.0.0.1:9/v1beta/models/m:generateContent?key=k", stream: true)!.ToString());
    }

    [Fact]
    public void Request_has_contents_parts_system_instruction_and_generation_config()
    {
        var (body, request) = Write(_driver, """
            {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
              {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/"}}]},
              {"role":"assistant","content":"Hello"},{"role":"user","content":"Who?"}],
             "temperature":0.3,"max_tokens":50,"stop":["X","Y"],"stream":true}
            """, Flash with { TopP = 0.8, TopK = 20 });

        var contents = body.GetProperty("contents");
        Assert.Equal(["user", "model", "user"], contents.EnumerateArray().Select(c => c.GetProperty("role").GetString()));
        Assert.Equal("Hi", contents[0].GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal("image/jpeg", contents[0].GetProperty("parts")[1].GetProperty("inlineData").GetProperty("mimeType").GetString());
        Assert.Equal("Be brief.", body.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
        var config = body.GetProperty("generationConfig");
        Assert.Equal(0.3, config.GetProperty("temperature").GetDouble());
        Assert.Equal(0.8, config.GetProperty("topP").GetDouble());
        Assert.Equal(20, config.GetProperty("topK").GetInt32());
        Assert.Equal(50, config.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(2, config.GetProperty("stopSequences").GetArrayLength());
        Assert.False(body.TryGetProperty("stream", out _));
        Assert.True(request.Stream);
    }

    [Fact]
    public void Tools_calls_and_results_become_function_declarations_calls_and_responses()
    {
        var (body, _) = Write(_driver, """
            {"messages":[{"role":"user","content":"Weather?"},
              {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object","additionalProperties":false,
               "properties":{"city":{"type":"string"},"strict":{"type":"boolean"}}}}}],
             "tool_choice":{"type":"function","function":{"name":"weather"}}}
            """, Flash);

        var contents = body.GetProperty("contents");
        var call = contents[1].GetProperty("parts")[0].GetProperty("functionCall");
        Assert.Equal("weather", call.GetProperty("name").GetString());
        Assert.Equal("Paris", call.GetProperty("args").GetProperty("city").GetString());
        var response = contents[2].GetProperty("parts")[0].GetProperty("functionResponse");
        Assert.Equal("weather", response.GetProperty("name").GetString());
        Assert.Equal("sunny", response.GetProperty("response").GetProperty("content").GetString());
        var parameters = body.GetProperty("tools")[0].GetProperty("functionDeclarations")[0].GetProperty("parameters");
        Assert.False(parameters.TryGetProperty("additionalProperties", out _));
        Assert.True(parameters.GetProperty("properties").TryGetProperty("strict", out _));
        var calling = body.GetProperty("toolConfig").GetProperty("functionCallingConfig");
        Assert.Equal("ANY", calling.GetProperty("mode").GetString());
        Assert.Equal("weather", calling.GetProperty("allowedFunctionNames")[0].GetString());
    }

    [Theory]
    [InlineData("STOP", false, "stop")]
    [InlineData("STOP", true, "tool_calls")]
    [InlineData("MAX_TOKENS", false, "length")]
    [InlineData("SAFETY", false, "content_filter")]
    [InlineData("RECITATION", false, "content_filter")]
    public void Response_maps_finish_reason_text_calls_and_usage(string reason, bool withCall, string expected)
    {
        var call = withCall ? """,{"functionCall":{"name":"weather","args":{"city":"Rome"}}}""" : "";
        var completion = Translate(_driver, $$$"""
            {"candidates":[{"content":{"role":"model","parts":[{"text":"thinking...","thought":true},{"text":"Hello"}{{{call}}}]},"finishReason":"{{{reason}}}","index":0}],
             "usageMetadata":{"promptTokenCount":11,"candidatesTokenCount":4,"thoughtsTokenCount":6,"totalTokenCount":21},
             "modelVersion":"gemini-2.5-flash-001","responseId":"r1"}
            """, Flash);
        var choice = completion.GetProperty("choices")[0];
        Assert.Equal(expected, choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Hello", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(withCall, choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.Equal(11, completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(10, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("gemini-2.5-flash-001", completion.GetProperty("model").GetString());
    }

    [Fact]
    public void Blocked_prompt_is_a_content_filter_finish()
    {
        var completion = Translate(_driver, """{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3}}""", Flash);
        Assert.Equal("content_filter", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Stream_with_crlf_events_becomes_openai_chunks_however_split()
    {
        var stream = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Dzień \"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":1},\"responseId\":\"r\"}\r\n\r\n"
            + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"dobry\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":3}}\r\n\r\n";
        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(Flash, includeUsage: true)!, Encoding.UTF8.GetBytes(stream));
        Assert.Equal("Dzień dobry", Text(chunks));
        Assert.Equal("stop", FinishReason(chunks));
        Assert.Equal(3, Usage(chunks)!.Value.GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData(429, "RESOURCE_EXHAUSTED", 429, "rate_limit_error")]
    [InlineData(400, "INVALID_ARGUMENT", 400, "invalid_request_error")]
    [InlineData(403, "PERMISSION_DENIED", 403, "permission_error")]
    [InlineData(503, "UNAVAILABLE", 503, "server_error")]
    public void Errors_become_openai_errors(int status, string nativeStatus, int expectedStatus, string expectedType)
    {
        var (clientStatus, error) = Error(_driver, status, $$$"""[{"error":{"code":{{{status}}},"message":"quota","status":"{{{nativeStatus}}}"}}]""");
        Assert.Equal(expectedStatus, clientStatus);
        Assert.Equal("quota", error.GetProperty("message").GetString());
        Assert.Equal(expectedType, error.GetProperty("type").GetString());
        Assert.Equal(nativeStatus, error.GetProperty("code").GetString());
    }

    private string FakeUrl => fake.BaseUrl + "/v1beta/models/gemini-2.5-flash:generateContent";

    [Fact]
    public async Task Answer_stream_and_tool_call_through_the_fake()
    {
        const string ask = """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]""";
        var answer = await SendAsync(_driver, Flash, FakeUrl, ask + "}");
        Assert.Equal(200, answer.Status);
        var message = JsonDocument.Parse(answer.Body).RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Fake answer from gemini-2.5-flash.", message.GetProperty("content").GetString());

        var streamed = await SendAsync(_driver, Flash, FakeUrl, ask + ""","stream":true,"stream_options":{"include_usage":true}}""");
        Assert.Contains(":streamGenerateContent?alt=sse", streamed.Url);
        var chunks = Events(streamed.Body);
        Assert.Equal("Fake answer from gemini-2.5-flash.", Text(chunks));
        Assert.Equal("stop", FinishReason(chunks));
        Assert.NotNull(Usage(chunks));

        var tools = ""","tools":[{"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{"query":{"type":"string"}}}}}]}""";
        var called = JsonDocument.Parse((await SendAsync(_driver, Flash, FakeUrl, ask + tools)).Body).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", called.GetProperty("finish_reason").GetString());
        var call = called.GetProperty("message").GetProperty("tool_calls")[0];
        var followUp = $$"""
            {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{{call.GetRawText()}}]},
              {"role":"tool","tool_call_id":"{{call.GetProperty("id").GetString()}}","content":"found"}]{{tools}}
            """;
        var second = await SendAsync(_driver, Flash, FakeUrl, followUp);
        Assert.Equal(200, second.Status);
    }

    [Fact]
    public async Task Fake_rejects_an_openai_body_and_a_missing_key()
    {
        using var client = new HttpClient();
        var openAIBody = new StringContent("""{"messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json");
        using var unknown = await client.PostAsync(FakeUrl + "?key=k", openAIBody);
        Assert.Equal(400, (int)unknown.StatusCode);
        Assert.Contains("Unknown name \\\"messages\\\"", await unknown.Content.ReadAsStringAsync());

        var noKey = await SendAsync(_driver, Flash with { AuthHeaderName = null }, FakeUrl, """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(403, noKey.Status);
        Assert.Equal("permission_error", JsonDocument.Parse(noKey.Body).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Failure_switch_answers_in_gemini_shape_and_translates()
    {
        var exchange = await fake.SendWhileFailingAsync(429, _driver, Flash, FakeUrl);
        Assert.Equal(429, exchange.Status);
        Assert.Equal("RESOURCE_EXHAUSTED", JsonDocument.Parse(exchange.Body).RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
