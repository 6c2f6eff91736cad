using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Anthropic;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Anthropic;

public sealed class AnthropicDriverTests
{
    private readonly AnthropicDriver _driver = new();

    [Fact]
    public void System_messages_go_top_level_and_turns_alternate_in_content_blocks()
    {
        var (body, request) = Write(_driver, """
            {"model":"gpt-4.1","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"developer","content":"Answer in Polish."},
              {"role":"user","content":"Hi"},
              {"role":"user","content":[{"type":"text","text":"Who?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
              {"role":"assistant","content":"Mickiewicz."}],
             "stop":"END","stream":true}
            """, Target("anthropic", "claude-sonnet-4-5"));

        Assert.Equal("claude-sonnet-4-5", body.GetProperty("model").GetString());
        Assert.Equal(["Be brief.", "Answer in Polish."], body.GetProperty("system").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        var messages = body.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        var blocks = messages[0].GetProperty("content");
        Assert.Equal(["text", "text", "image"], blocks.EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("image/png", blocks[2].GetProperty("source").GetProperty("media_type").GetString());
        Assert.Equal("AAAA", blocks[2].GetProperty("source").GetProperty("data").GetString());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Equal(["END"], body.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString()));
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(request.Stream);
    }

    [Fact]
    public void Max_tokens_is_always_sent_and_configured_options_win()
    {
        var (plain, _) = Write(_driver, """{"messages":[{"role":"user","content":"Hi"}]}""", Target("anthropic"));
        Assert.Equal(AnthropicRequestWriter.DefaultMaxTokens, plain.GetProperty("max_tokens").GetInt32());
        Assert.False(plain.TryGetProperty("temperature", out _));

        var (client, _) = Write(_driver, """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":77,"temperature":0.2,"top_p":0.5}""", Target("anthropic"));
        Assert.Equal(77, client.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.2, client.GetProperty("temperature").GetDouble());

        var configured = Target("anthropic") with { MaxTokens = 512, Temperature = 0.9, TopP = 0.1, TopK = 40 };
        var (body, _) = Write(_driver, """{"messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":77,"temperature":0.2,"top_p":0.5,"top_k":3}""", configured);
        Assert.Equal(512, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.9, body.GetProperty("temperature").GetDouble());
        Assert.Equal(0.1, body.GetProperty("top_p").GetDouble());
        Assert.Equal(40, body.GetProperty("top_k").GetInt32());
    }

    [Fact]
    public void Tools_tool_calls_and_results_become_tool_use_blocks()
    {
        var (body, _) = Write(_driver, """
            {"messages":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"sunny"},
              {"role":"tool","tool_call_id":"call_2","content":"rain"}],
             "tools":[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"required"}
            """, Target("anthropic"));

        var messages = body.GetProperty("messages");
        Assert.Equal(["user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var uses = messages[1].GetProperty("content");
        Assert.Equal("tool_use", uses[0].GetProperty("type").GetString());
        Assert.Equal("call_1", uses[0].GetProperty("id").GetString());
        Assert.Equal("Paris", uses[0].GetProperty("input").GetProperty("city").GetString());
        var results = messages[2].GetProperty("content");
        Assert.Equal(["call_1", "call_2"], results.EnumerateArray().Select(r => r.GetProperty("tool_use_id").GetString()));
        Assert.Equal("rain", results[1].GetProperty("content").GetString());
        var tool = body.GetProperty("tools")[0];
        Assert.Equal("weather", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("input_schema").GetProperty("type").GetString());
        Assert.Equal("any", body.GetProperty("tool_choice").GetProperty("type").GetString());
    }

    [Fact]
    public void Version_header_defaults_to_kongs_documented_one_and_follows_the_option()
    {
        var (_, plain) = Write(_driver, """{"messages":[{"role":"user","content":"Hi"}]}""", Target("anthropic"));
        Assert.Equal("2023-06-01", Header(plain, "anthropic-version"));
        var (_, set) = Write(_driver, """{"messages":[{"role":"user","content":"Hi"}]}""",
            Target("anthropic", options: new() { ["anthropic_version"] = "2024-01-01" }));
        Assert.Equal("2024-01-01", Header(set, "anthropic-version"));
    }

    [Fact]
    public void Url_is_kongs_default_or_the_configured_one()
    {
        Assert.Equal("https://api.anthropic.com/v1/messages", _driver.ResolveUrl(Target("anthropic"), null, stream: true)!.ToString());
        Assert.Equal("http://127.0.0.1:9/x", _driver.ResolveUrl(Target("anthropic"), "http://127.0.0.1:9/x", false)!.ToString());
        Assert.Null(_driver.ResolveUrl(Target("anthropic"), "not a url", false));
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    public void Response_maps_stop_reason_content_and_usage(string stopReason, string finishReason)
    {
        var completion = Translate(_driver, $$$"""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
             "content":[{"type":"text","text":"Hello "},{"type":"text","text":"there"},
                        {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}],
             "stop_reason":"{{{stopReason}}}","stop_sequence":null,
             "usage":{"input_tokens":10,"cache_creation_input_tokens":2,"cache_read_input_tokens":3,"output_tokens":7}}
            """, Target("anthropic"));

        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.Equal("claude-x", completion.GetProperty("model").GetString());
        var choice = completion.GetProperty("choices")[0];
        Assert.Equal(finishReason, choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Hello there", choice.GetProperty("message").GetProperty("content").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("toolu_1", call.GetProperty("id").GetString());
        Assert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        var usage = completion.GetProperty("usage");
        Assert.Equal(15, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(22, usage.GetProperty("total_tokens").GetInt32());
    }

    public const string RecordedStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_9","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":12,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Zażółć "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"gęślą"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_7","name":"weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":30}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    [Fact]
    public void Stream_becomes_openai_chunks_however_the_bytes_are_split()
    {
        var bytes = Encoding.UTF8.GetBytes(RecordedStream);
        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(Target("anthropic"), includeUsage: true)!, bytes);

        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("Zażółć gęślą", Text(chunks));
        Assert.Equal("tool_calls", FinishReason(chunks));
        var calls = chunks.Select(c => c.GetProperty("choices")).Where(c => c.GetArrayLength() > 0)
            .Select(c => c[0].GetProperty("delta")).Where(d => d.TryGetProperty("tool_calls", out _))
            .Select(d => d.GetProperty("tool_calls")[0]).ToList();
        Assert.Equal("toolu_7", calls[0].GetProperty("id").GetString());
        Assert.Equal("weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris"}""", string.Concat(calls.Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.All(calls, c => Assert.Equal(0, c.GetProperty("index").GetInt32()));
        var usage = Usage(chunks)!.Value;
        Assert.Equal(12, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(30, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
    }

    [Fact]
    public void Stream_without_usage_asked_has_no_usage_chunk_but_counts_tokens()
    {
        var translator = _driver.CreateStreamTranslator(Target("anthropic"), includeUsage: false)!;
        var chunks = Events(Stream(translator, Encoding.UTF8.GetBytes(RecordedStream)));
        Assert.Null(Usage(chunks));
        Assert.Equal(12, translator.PromptTokens);
        Assert.Equal(30, translator.CompletionTokens);
    }

    [Fact]
    public void Stream_error_event_becomes_an_openai_error_event()
    {
        var stream = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        var sse = Stream(_driver.CreateStreamTranslator(Target("anthropic"), false)!, Encoding.UTF8.GetBytes(stream));
        var error = Events(sse).Single().GetProperty("error");
        Assert.Equal("Overloaded", error.GetProperty("message").GetString());
        Assert.Equal("overloaded_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(529, "overloaded_error", 503, "server_error")]
    [InlineData(400, "invalid_request_error", 400, "invalid_request_error")]
    [InlineData(401, "authentication_error", 401, "authentication_error")]
    [InlineData(429, "rate_limit_error", 429, "rate_limit_error")]
    public void Errors_become_openai_errors(int status, string nativeType, int expectedStatus, string expectedType)
    {
        var (clientStatus, error) = Error(_driver, status, $$$"""{"type":"error","error":{"type":"{{{nativeType}}}","message":"native says no"}}""");
        Assert.Equal(expectedStatus, clientStatus);
        Assert.Equal("native says no", error.GetProperty("message").GetString());
        Assert.Equal(expectedType, error.GetProperty("type").GetString());
        Assert.Equal(nativeType, error.GetProperty("code").GetString());
    }

    [Fact]
    public void Error_without_a_json_body_still_has_the_openai_shape()
    {
        var (status, error) = Error(_driver, 502, "<html>bad gateway</html>");
        Assert.Equal(502, status);
        Assert.Contains("anthropic", error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
    }
}
