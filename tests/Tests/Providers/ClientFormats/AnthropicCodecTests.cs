using System.Buffers;
using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.ClientFormats.Anthropic;
using Actors.Api.Providers.Translation;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.ClientFormats;

/// <summary>Anthropic's Messages API to the internal OpenAI shape and back, without a server.</summary>
public sealed class AnthropicCodecTests
{
    private readonly AnthropicCodec _codec = new();

    private JsonElement Internal(string anthropic, ProviderTarget? target = null, bool stream = false)
    {
        using var request = JsonDocument.Parse(anthropic);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output)) _codec.WriteInternalRequest(request.RootElement, target ?? Target("openai", "gpt-x"), stream, writer);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void A_conversation_with_tools_becomes_OpenAI_messages_in_order()
    {
        var openAI = Internal("""
            {"model":"claude","max_tokens":50,"system":[{"type":"text","text":"Be brief."}],"stop_sequences":["END"],"temperature":0.2,"top_k":5,
             "metadata":{"user_id":"u1"},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},
               {"role":"assistant","content":[{"type":"thinking","thinking":"hm"},{"type":"tool_use","id":"toolu_1","name":"search","input":{"q":"x"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"found"}]},{"type":"text","text":"Thanks"}]}],
             "tools":[{"name":"search","description":"web","input_schema":{"type":"object"}},{"type":"web_search_20250305","name":"web_search"}],
             "tool_choice":{"type":"tool","name":"search","disable_parallel_tool_use":true}}
            """, Target("openai", "gpt-x") with { Temperature = 0.7 });

        Assert.Equal("gpt-x", openAI.GetProperty("model").GetString());
        Assert.Equal(0.7, openAI.GetProperty("temperature").GetDouble());
        Assert.Equal(50, openAI.GetProperty("max_tokens").GetInt32());
        Assert.False(openAI.TryGetProperty("top_k", out _));
        Assert.Equal("END", openAI.GetProperty("stop")[0].GetString());
        Assert.Equal("u1", openAI.GetProperty("user").GetString());
        var messages = openAI.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["system", "user", "assistant", "tool", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Be brief.", messages[0].GetProperty("content").GetString());
        Assert.Equal("data:image/png;base64,AAAA", messages[1].GetProperty("content")[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Null, messages[2].GetProperty("content").ValueKind);
        var call = messages[2].GetProperty("tool_calls")[0];
        Assert.Equal("toolu_1", call.GetProperty("id").GetString());
        Assert.Equal("""{"q":"x"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("toolu_1", messages[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("found", messages[3].GetProperty("content").GetString());
        Assert.Equal(1, openAI.GetProperty("tools").GetArrayLength());
        Assert.Equal("search", openAI.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.False(openAI.GetProperty("parallel_tool_calls").GetBoolean());
    }

    [Theory]
    [InlineData("""{"type":"any"}""", "\"required\"")]
    [InlineData("""{"type":"auto"}""", "\"auto\"")]
    [InlineData("""{"type":"none"}""", "\"none\"")]
    public void Tool_choices_map_to_OpenAIs(string anthropic, string openAI)
    {
        var request = Internal($$$"""{"messages":[{"role":"user","content":"x"}],"tools":[{"name":"t","input_schema":{"type":"object"}}],"tool_choice":{{{anthropic}}}}""");
        Assert.Equal(openAI, request.GetProperty("tool_choice").GetRawText());
    }

    [Fact]
    public void A_streamed_request_asks_for_the_usage_chunk()
    {
        var request = Internal("""{"messages":[{"role":"user","content":"x"}],"stream":true}""", stream: true);
        Assert.True(request.GetProperty("stream").GetBoolean());
        Assert.True(request.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Theory]
    [InlineData(FinishReasons.Stop, "end_turn")]
    [InlineData(FinishReasons.Length, "max_tokens")]
    [InlineData(FinishReasons.ToolCalls, "tool_use")]
    [InlineData(FinishReasons.ContentFilter, "refusal")]
    public void An_answer_becomes_an_Anthropic_message(string finishReason, string stopReason)
    {
        var message = JsonDocument.Parse(_codec.WriteResponse(new ChatCompletion
        {
            Id = "chatcmpl-abc", Model = "gpt-x", Content = "Hi", FinishReason = finishReason, PromptTokens = 7, CompletionTokens = 2,
            ToolCalls = [new ToolCall("call_1", "search", """{"q":"x"}""")],
        })).RootElement;

        Assert.Equal("msg_abc", message.GetProperty("id").GetString());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal(stopReason, message.GetProperty("stop_reason").GetString());
        Assert.Equal("Hi", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("x", message.GetProperty("content")[1].GetProperty("input").GetProperty("q").GetString());
        Assert.Equal(7, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(2, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void An_OpenAI_error_becomes_an_Anthropic_error_with_its_status()
    {
        var error = _codec.WriteError(new TranslatedError(503, ProviderErrors.Body("busy", ProviderErrors.Server, null)));
        var body = JsonDocument.Parse(error.Body).RootElement;
        Assert.Equal(503, error.Status);
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("overloaded_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("busy", body.GetProperty("error").GetProperty("message").GetString());
    }

    private const string OpenAIStream = """
        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"search","arguments":""}}]},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":1}"}}]},"finish_reason":"tool_calls"}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-x","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}

        data: [DONE]


        """;

    /// <summary>Events as (name, data) pairs.</summary>
    private static List<(string Name, JsonElement Data)> AnthropicEvents(string sse) =>
        [.. sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e =>
        {
            var lines = e.Split('\n');
            return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone());
        })];

    [Fact]
    public void An_OpenAI_stream_becomes_Anthropics_events_however_it_is_cut()
    {
        var bytes = Encoding.UTF8.GetBytes(OpenAIStream.Replace("\r\n", "\n"));
        var whole = Stream(new AnthropicEventWriter("gpt-x"), bytes);
        for (var cut = 1; cut < bytes.Length; cut += 3) Assert.Equal(Normalize(whole), Normalize(Stream(new AnthropicEventWriter("gpt-x"), bytes, cut)));

        var events = AnthropicEvents(whole);
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        Assert.Equal("msg_1", events[0].Data.GetProperty("message").GetProperty("id").GetString());
        Assert.Equal("Hello", string.Concat(events.Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("index").GetInt32() == 0)
            .Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));
        Assert.Equal("tool_use", events[5].Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal(1, events[6].Data.GetProperty("index").GetInt32());
        Assert.Equal("{\"q\":1}", events[6].Data.GetProperty("delta").GetProperty("partial_json").GetString());
        Assert.Equal("tool_use", events[8].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(3, events[8].Data.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(9, events[8].Data.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public void An_error_mid_stream_ends_it_with_Anthropics_error_event()
    {
        var sse = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n";
        var events = AnthropicEvents(Stream(new AnthropicEventWriter("m"), Encoding.UTF8.GetBytes(sse)));
        Assert.Equal("error", events[^1].Name);
        Assert.Equal("boom", events[^1].Data.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain(events, e => e.Name == "message_stop");
    }

    private static string Normalize(string sse) => System.Text.RegularExpressions.Regex.Replace(sse, "\"id\":\"msg_[^\"]*\"", "\"id\":\"\"");
}
