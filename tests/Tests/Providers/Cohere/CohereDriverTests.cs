using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Cohere;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Cohere;

public sealed class CohereDriverTests(FakeServerFixture fake) : IClassFixture<FakeServerFixture>
{
    private readonly CohereDriver _driver = new();
    private static ProviderTarget CommandA => Target("cohere", "command-a-03-2025") with { AuthHeaderName = "Authorization", AuthHeaderValue = "Bearer co-test" };
    private string Url => fake.BaseUrl + "/v2/chat";

    [Fact]
    public void Request_is_a_v2_chat_body()
    {
        var (body, request) = Write(_driver, """
            {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"snow"}],
             "temperature":0.3,"top_p":0.9,"max_tokens":20,"stop":"END","stream":true,
             "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}],"tool_choice":"required"}
            """, CommandA with { TopK = 7 });

        Assert.Equal("command-a-03-2025", body.GetProperty("model").GetString());
        var messages = body.GetProperty("messages");
        Assert.Equal(["system", "user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.False(messages[2].TryGetProperty("content", out _));
        Assert.Equal("{\"city\":\"Oslo\"}", messages[2].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("c1", messages[3].GetProperty("tool_call_id").GetString());
        Assert.Equal(0.9, body.GetProperty("p").GetDouble());
        Assert.Equal(7, body.GetProperty("k").GetInt32());
        Assert.False(body.TryGetProperty("top_p", out _));
        Assert.Equal("END", body.GetProperty("stop_sequences")[0].GetString());
        Assert.Equal("REQUIRED", body.GetProperty("tool_choice").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(request.Stream);
        Assert.Equal("https://api.cohere.com/v2/chat", _driver.ResolveUrl(CommandA, null, true)!.ToString());
    }

    [Theory]
    [InlineData("COMPLETE", "stop")]
    [InlineData("STOP_SEQUENCE", "stop")]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("TOOL_CALL", "tool_calls")]
    [InlineData("ERROR_TOXIC", "content_filter")]
    public void Response_maps_finish_reason_content_and_usage(string reason, string expected)
    {
        var completion = Translate(_driver, $$$$"""
            {"id":"c-1","finish_reason":"{{{{reason}}}}","message":{"role":"assistant","content":[{"type":"text","text":"Hello"}],
             "tool_calls":[{"id":"t1","type":"function","function":{"name":"w","arguments":"{}"}}]},
             "usage":{"billed_units":{"input_tokens":5,"output_tokens":2},"tokens":{"input_tokens":70,"output_tokens":2}}}
            """, CommandA);
        var choice = completion.GetProperty("choices")[0];
        Assert.Equal(expected, choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Hello", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("t1", choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal(70, completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public void Stream_events_become_openai_chunks_however_split()
    {
        var stream = """
            event: message-start
            data: {"id":"s1","type":"message-start","delta":{"message":{"role":"assistant"}}}

            event: content-delta
            data: {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Dzień"}}}}

            event: tool-call-start
            data: {"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"t1","type":"function","function":{"name":"w","arguments":""}}}}}

            event: tool-call-delta
            data: {"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"{\"a\":1}"}}}}}

            event: message-end
            data: {"type":"message-end","delta":{"finish_reason":"TOOL_CALL","usage":{"tokens":{"input_tokens":12,"output_tokens":6}}}}


            """;
        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(CommandA, includeUsage: true)!, Encoding.UTF8.GetBytes(stream));
        Assert.Equal("Dzień", Text(chunks));
        Assert.Equal("tool_calls", FinishReason(chunks));
        Assert.Equal(12, Usage(chunks)!.Value.GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData(400, 400, "invalid_request_error")]
    [InlineData(498, 401, "authentication_error")]
    [InlineData(429, 429, "rate_limit_error")]
    public void Errors_become_openai_errors(int status, int expectedStatus, string expectedType)
    {
        var (clientStatus, error) = Error(_driver, status, """{"id":"e","message":"invalid request: nope"}""");
        Assert.Equal(expectedStatus, clientStatus);
        Assert.Equal(expectedType, error.GetProperty("type").GetString());
        Assert.Equal("invalid request: nope", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Answer_stream_and_tools_through_the_fake()
    {
        const string ask = """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"top_p":0.5""";
        var answer = await SendAsync(_driver, CommandA, Url, ask + "}");
        Assert.Equal(200, answer.Status);
        Assert.Equal("Fake answer from command-a-03-2025.", JsonDocument.Parse(answer.Body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        var chunks = Events((await SendAsync(_driver, CommandA, Url, ask + ""","stream":true,"stream_options":{"include_usage":true}}""")).Body);
        Assert.Equal("Fake answer from command-a-03-2025.", Text(chunks));
        Assert.Equal("stop", FinishReason(chunks));

        const string tools = ""","tools":[{"type":"function","function":{"name":"search","parameters":{"type":"object"}}}]""";
        var called = JsonDocument.Parse((await SendAsync(_driver, CommandA, Url, ask + tools + "}")).Body).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", called.GetProperty("finish_reason").GetString());
        Assert.Equal("tool_calls", FinishReason(Events((await SendAsync(_driver, CommandA, Url, ask + tools + ""","stream":true}""")).Body)));
    }

    [Fact]
    public async Task Fake_refuses_openai_field_names_and_missing_keys()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url)
        {
            Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"top_p":0.5}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer k");
        using var response = await client.SendAsync(request);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("top_p is not a valid field", await response.Content.ReadAsStringAsync());

        var keyless = await SendAsync(_driver, CommandA with { AuthHeaderName = null }, Url, """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(401, keyless.Status);

        Assert.Equal(429, (await fake.SendWhileFailingAsync(429, _driver, CommandA, Url)).Status);
    }
}
