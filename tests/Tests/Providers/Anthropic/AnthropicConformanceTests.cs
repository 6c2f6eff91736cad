using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Anthropic;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Anthropic;

/// <summary>
/// The OpenAI chat fields towards Anthropic's Messages API, each translated, ignored on purpose, or refused naming the
/// field (docs/conformance/anthropic.md); thinking, cache reads and stop reasons back. Without a server.
/// </summary>
public sealed class AnthropicConformanceTests
{
    private readonly AnthropicDriver _driver = new();
    private const string Hi = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    private JsonElement Body(string fields) => Write(_driver, "{" + Hi + (fields.Length > 0 ? "," + fields : "") + "}", Target("anthropic", "claude")).Body;

    [Theory]
    [InlineData("\"n\":2", "'n'")]
    [InlineData("\"logprobs\":true", "'logprobs'")]
    [InlineData("\"top_logprobs\":3", "'top_logprobs'")]
    [InlineData("\"frequency_penalty\":0.5", "'frequency_penalty'")]
    [InlineData("\"presence_penalty\":-1", "'presence_penalty'")]
    [InlineData("\"logit_bias\":{\"50256\":-100}", "'logit_bias'")]
    [InlineData("\"response_format\":{\"type\":\"json_object\"}", "'response_format'")]
    [InlineData("\"modalities\":[\"text\",\"audio\"]", "'modalities'")]
    [InlineData("\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}", "'audio'")]
    [InlineData("\"prediction\":{\"type\":\"content\",\"content\":\"x\"}", "'prediction'")]
    [InlineData("\"web_search_options\":{}", "'web_search_options'")]
    [InlineData("\"functions\":[{\"name\":\"f\"}]", "'functions'")]
    [InlineData("\"reasoning_effort\":\"high\",\"max_tokens\":1000", "thinking budget")]
    [InlineData("\"reasoning_effort\":\"low\",\"temperature\":0.3", "temperature")]
    [InlineData("\"reasoning_effort\":\"low\",\"top_k\":3", "top_k")]
    public void Fields_Anthropic_has_no_place_for_are_refused_by_name(string fields, string named)
    {
        var refusal = Assert.Throws<NotSupportedException>(() => Body(fields));
        Assert.Contains(named, refusal.Message);
    }

    [Theory]
    [InlineData("\"n\":1,\"logprobs\":false,\"frequency_penalty\":0,\"presence_penalty\":0,\"logit_bias\":{},\"response_format\":{\"type\":\"text\"},\"modalities\":[\"text\"]")]
    [InlineData("\"seed\":7,\"store\":true,\"metadata\":{\"a\":\"b\"},\"service_tier\":\"auto\",\"prompt_cache_key\":\"k\",\"safety_identifier\":\"s\",\"verbosity\":\"low\",\"stream_options\":{\"include_usage\":true}")]
    [InlineData("\"reasoning_effort\":\"minimal\"")]
    public void Harmless_fields_and_default_values_are_ignored(string fields)
    {
        var body = Body(fields);
        Assert.Equal(["model", "max_tokens", "messages"], body.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("low", 1024)]
    [InlineData("medium", 4096)]
    [InlineData("high", 16384)]
    public void Reasoning_effort_becomes_extended_thinking_with_room_for_the_answer(string effort, int budget)
    {
        var body = Body($"\"reasoning_effort\":\"{effort}\"");

        Assert.Equal("enabled", body.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal(budget, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(AnthropicRequestWriter.DefaultMaxTokens + budget, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Anthropics_own_thinking_passes_and_user_and_parallel_tool_calls_translate()
    {
        var body = Body("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},\"user\":\"u-1\",\"parallel_tool_calls\":false,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]");

        Assert.Equal(2000, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal("u-1", body.GetProperty("metadata").GetProperty("user_id").GetString());
        Assert.Equal("auto", body.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.True(body.GetProperty("tool_choice").GetProperty("disable_parallel_tool_use").GetBoolean());
    }

    [Fact]
    public void An_assistant_messages_thinking_blocks_come_first_in_its_turn_unchanged()
    {
        const string blocks = """[{"type":"thinking","thinking":"Hm + ok","signature":"EqQB+/=="},{"type":"redacted_thinking","data":"abc=="},{"type":"other"}]""";
        var body = Write(_driver, $$$"""
            {"reasoning_effort":"low","messages":[{"role":"user","content":"Hi"},
              {"role":"assistant","content":null,"thinking_blocks":{{{blocks}}},"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"toolu_1","content":"done"}]}
            """, Target("anthropic", "claude")).Body;

        var assistant = body.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal(["thinking", "redacted_thinking", "tool_use"], assistant.EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("EqQB+/==", assistant[0].GetProperty("signature").GetString());
        Assert.Equal("abc==", assistant[1].GetProperty("data").GetString());
    }

    [Fact]
    public void An_answers_thinking_comes_back_as_reasoning_content_and_signed_blocks_with_cache_reads()
    {
        var completion = Translate(_driver, """
            {"id":"msg_1","model":"claude","stop_reason":"tool_use","content":[
              {"type":"thinking","thinking":"Let me","signature":"sig+1"},{"type":"redacted_thinking","data":"xyz"},
              {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}],
             "usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":20,"output_tokens":3}}
            """, Target("anthropic", "claude"));

        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Let me", message.GetProperty("reasoning_content").GetString());
        Assert.Equal(["thinking", "redacted_thinking"], message.GetProperty("thinking_blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("sig+1", message.GetProperty("thinking_blocks")[0].GetProperty("signature").GetString());
        Assert.Equal(35, completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(20, completion.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public void A_streamed_thinking_block_becomes_reasoning_deltas_then_the_whole_signed_block()
    {
        var stream = Encoding.UTF8.GetBytes("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":10,"cache_read_input_tokens":4,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let "}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"me"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig+/="}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"xyz"}}

            event: content_block_start
            data: {"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Hi"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"pause_turn"},"usage":{"output_tokens":9}}


            """.Replace("\r\n", "\n"));

        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(Target("anthropic", "claude"), includeUsage: true)!, stream);

        var deltas = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("delta")).ToArray();
        Assert.Equal("Let me", string.Concat(deltas.Where(d => d.TryGetProperty("reasoning_content", out _)).Select(d => d.GetProperty("reasoning_content").GetString())));
        var blocks = deltas.Where(d => d.TryGetProperty("thinking_blocks", out _)).Select(d => d.GetProperty("thinking_blocks")[0]).ToArray();
        Assert.Equal("""{"type":"thinking","thinking":"Let me","signature":"sig+/="}""", JsonSerializer.Serialize(blocks[0]).Replace("\\u002B", "+"));
        Assert.Equal("xyz", blocks[1].GetProperty("data").GetString());
        Assert.Equal("Hi", Text(chunks));
        Assert.Equal("stop", FinishReason(chunks));
        Assert.Equal(4, Usage(chunks)!.Value.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("pause_turn", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("model_context_window_exceeded", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    public void Stop_reasons_map_to_OpenAIs(string stopReason, string finishReason) =>
        Assert.Equal(finishReason, AnthropicDriver.FinishReason(stopReason));
}
