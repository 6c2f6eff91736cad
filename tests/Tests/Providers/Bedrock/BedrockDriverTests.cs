using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Bedrock;
using Actors.FakeOpenAI.Native;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Bedrock;

public sealed class BedrockDriverTests(FakeServerFixture fake) : IClassFixture<FakeServerFixture>
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];
    private readonly BedrockDriver _driver = new(name => NoEnvironment.GetValueOrDefault(name), TimeProvider.System);
    private const string Model = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    private static ProviderTarget Claude => Target("bedrock", Model, new() { ["bedrock.aws_region"] = "eu-west-1" })
        with { AwsAccessKeyId = "AKIDEXAMPLE", AwsSecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

    [Fact]
    public void Url_is_regional_converse_and_switches_to_converse_stream()
    {
        Assert.Equal("https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse",
            _driver.ResolveUrl(Claude, null, stream: false)!.AbsoluteUri);
        Assert.EndsWith("/converse-stream", _driver.ResolveUrl(Claude, null, stream: true)!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:9/model/m/converse-stream", _driver.ResolveUrl(Claude, "http://127.0.0.1:9/model/m/converse", true)!.ToString());
        Assert.Equal("http://127.0.0.1:9/model/m/converse", _driver.ResolveUrl(Claude, "http://127.0.0.1:9/model/m/converse-stream", false)!.ToString());
        Assert.Null(_driver.ResolveUrl(Target("bedrock", Model), null, false));
        var fromEnvironment = new BedrockDriver(n => n == "AWS_REGION" ? "us-west-2" : null, TimeProvider.System);
        Assert.Contains("bedrock-runtime.us-west-2.", fromEnvironment.ResolveUrl(Target("bedrock", Model), null, false)!.Host);
    }

    [Fact]
    public void Request_is_a_converse_body_and_is_signed()
    {
        var (body, request) = Write(_driver, """
            {"model":"x","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather?"},
              {"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
              {"role":"tool","tool_call_id":"t1","content":"snow"}],
             "max_tokens":64,"temperature":0.5,"stop":"END","top_k":5,
             "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object","properties":{}}}}],"tool_choice":"auto"}
            """, Claude);

        Assert.False(body.TryGetProperty("model", out _));
        Assert.Equal("Be brief.", body.GetProperty("system")[0].GetProperty("text").GetString());
        var messages = body.GetProperty("messages");
        Assert.Equal(["user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Oslo", messages[1].GetProperty("content")[0].GetProperty("toolUse").GetProperty("input").GetProperty("city").GetString());
        var result = messages[2].GetProperty("content")[0].GetProperty("toolResult");
        Assert.Equal("t1", result.GetProperty("toolUseId").GetString());
        Assert.Equal("snow", result.GetProperty("content")[0].GetProperty("text").GetString());
        var config = body.GetProperty("inferenceConfig");
        Assert.Equal(64, config.GetProperty("maxTokens").GetInt32());
        Assert.Equal("END", config.GetProperty("stopSequences")[0].GetString());
        Assert.Equal(5, body.GetProperty("additionalModelRequestFields").GetProperty("top_k").GetInt32());
        Assert.Equal("weather", body.GetProperty("toolConfig").GetProperty("tools")[0].GetProperty("toolSpec").GetProperty("name").GetString());
        Assert.True(body.GetProperty("toolConfig").GetProperty("toolChoice").TryGetProperty("auto", out _));

        using var message = new HttpRequestMessage(HttpMethod.Post, _driver.ResolveUrl(Claude, null, false));
        var signed = request.Sign!(message, Encoding.UTF8.GetBytes(body.GetRawText())).ToDictionary();
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", signed["Authorization"]);
        Assert.Contains("/eu-west-1/bedrock/aws4_request", signed["Authorization"]);
        // No credentials anywhere (no target keys, nothing in this node's chain): the request goes unsigned.
        var unsigned = Write(_driver, """{"messages":[{"role":"user","content":"Hi"}]}""", Target("bedrock", Model)).Request.Sign;
        Assert.Empty(unsigned!(message, Encoding.UTF8.GetBytes("{}")));
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("guardrail_intervened", "content_filter")]
    [InlineData("content_filtered", "content_filter")]
    public void Response_maps_stop_reason_content_and_usage(string stopReason, string expected)
    {
        var completion = Translate(_driver, $$$$"""
            {"output":{"message":{"role":"assistant","content":[{"text":"Hi"},{"toolUse":{"toolUseId":"tu1","name":"w","input":{"a":1}}}]}},
             "stopReason":"{{{{stopReason}}}}","usage":{"inputTokens":9,"outputTokens":4,"totalTokens":13,"cacheReadInputTokens":1},"metrics":{"latencyMs":5}}
            """, Claude);
        var choice = completion.GetProperty("choices")[0];
        Assert.Equal(expected, choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Hi", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("""{"a":1}""", choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(10, completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    private static byte[] RecordedStream() =>
    [
        .. FakeEventStream.Event("messageStart", """{"role":"assistant"}"""),
        .. FakeEventStream.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Cześć"},"p":"ab"}"""),
        .. FakeEventStream.Event("contentBlockStop", """{"contentBlockIndex":0}"""),
        .. FakeEventStream.Event("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tu9","name":"w"}}}"""),
        .. FakeEventStream.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\":"}}}"""),
        .. FakeEventStream.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"1}"}}}"""),
        .. FakeEventStream.Event("messageStop", """{"stopReason":"tool_use"}"""),
        .. FakeEventStream.Event("metadata", """{"usage":{"inputTokens":21,"outputTokens":8,"totalTokens":29},"metrics":{"latencyMs":40}}"""),
    ];

    [Fact]
    public void Event_stream_becomes_openai_chunks_however_the_bytes_are_split()
    {
        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(Claude, includeUsage: true)!, RecordedStream());
        Assert.Equal("Cześć", Text(chunks));
        Assert.Equal("tool_calls", FinishReason(chunks));
        var usage = Usage(chunks)!.Value;
        Assert.Equal(21, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(8, usage.GetProperty("completion_tokens").GetInt32());
        var arguments = chunks.Select(c => c.GetProperty("choices")).Where(c => c.GetArrayLength() > 0).Select(c => c[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("""{"a":1}""", string.Concat(arguments));
    }

    [Fact]
    public void A_corrupt_message_or_an_exception_ends_the_stream_with_an_error_event()
    {
        var corrupt = RecordedStream();
        corrupt[40] ^= 0xFF;
        var events = Events(Stream(_driver.CreateStreamTranslator(Claude, false)!, corrupt));
        Assert.Contains("checksum", events[^1].GetProperty("error").GetProperty("message").GetString());

        var throttled = FakeEventStream.Exception("throttlingException", "Too many requests");
        var error = Events(Stream(_driver.CreateStreamTranslator(Claude, false)!, throttled)).Single().GetProperty("error");
        Assert.Equal("Too many requests", error.GetProperty("message").GetString());
        Assert.Equal("throttlingException", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(400, 400, "invalid_request_error")]
    [InlineData(403, 403, "permission_error")]
    [InlineData(429, 429, "rate_limit_error")]
    [InlineData(424, 502, "server_error")]
    [InlineData(408, 504, "server_error")]
    public void Errors_become_openai_errors(int status, int expectedStatus, string expectedType)
    {
        var (clientStatus, error) = Error(_driver, status, """{"message":"The provided model identifier is invalid."}""");
        Assert.Equal(expectedStatus, clientStatus);
        Assert.Equal(expectedType, error.GetProperty("type").GetString());
        Assert.Equal("The provided model identifier is invalid.", error.GetProperty("message").GetString());
    }

    private string FakeUrl => fake.BaseUrl + "/model/" + Uri.EscapeDataString(Model) + "/converse";

    [Fact]
    public async Task Answer_stream_and_tool_round_trip_through_the_fake()
    {
        const string ask = """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]""";
        var answer = await SendAsync(_driver, Claude, FakeUrl, ask + "}");
        Assert.Equal(200, answer.Status);
        Assert.Equal($"Fake answer from {Model}.", JsonDocument.Parse(answer.Body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        var streamed = await SendAsync(_driver, Claude, FakeUrl, ask + ""","stream":true,"stream_options":{"include_usage":true}}""");
        Assert.EndsWith("/converse-stream", streamed.Url);
        var chunks = Events(streamed.Body);
        Assert.Equal($"Fake answer from {Model}.", Text(chunks));
        Assert.Equal(4, Usage(chunks)!.Value.GetProperty("completion_tokens").GetInt32());

        const string tools = ""","tools":[{"type":"function","function":{"name":"search","parameters":{"type":"object"}}}]""";
        var called = JsonDocument.Parse((await SendAsync(_driver, Claude, FakeUrl, ask + tools + "}")).Body).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", called.GetProperty("finish_reason").GetString());
        var call = called.GetProperty("message").GetProperty("tool_calls")[0];
        var followUp = $$$"""
            {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{{{call.GetRawText()}}}]},
              {"role":"tool","tool_call_id":"{{{call.GetProperty("id").GetString()}}}","content":"found"}]{{{tools}}}}
            """;
        Assert.Equal(200, (await SendAsync(_driver, Claude, FakeUrl, followUp)).Status);
        var streamedCall = Events((await SendAsync(_driver, Claude, FakeUrl, ask + tools + ""","stream":true}""")).Body);
        Assert.Equal("tool_calls", FinishReason(streamedCall));
    }

    [Fact]
    public async Task Fake_rejects_unsigned_requests_and_broken_conversations()
    {
        var unsigned = await SendAsync(_driver, Target("bedrock", Model, new() { ["bedrock.aws_region"] = "eu-west-1" }), FakeUrl,
            """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(403, unsigned.Status);
        var assistantFirst = await SendAsync(_driver, Claude, FakeUrl, """{"messages":[{"role":"assistant","content":"Hi"}]}""");
        Assert.Equal(400, assistantFirst.Status);
        Assert.Contains("start with a user message", assistantFirst.Body);
    }

    [Fact]
    public async Task Failure_switch_answers_in_bedrock_shape_and_translates()
    {
        var exchange = await fake.SendWhileFailingAsync(429, _driver, Claude, FakeUrl);
        Assert.Equal(429, exchange.Status);
        Assert.Equal("fake upstream failure 429", JsonDocument.Parse(exchange.Body).RootElement.GetProperty("error").GetProperty("message").GetString());
    }
}
