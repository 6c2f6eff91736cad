using System.Buffers;
using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.ClientFormats.Anthropic;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.ClientFormats;

/// <summary>What the Anthropic codec's internal OpenAI request carries for each kind of target, and usage back.</summary>
public sealed class AnthropicCodecTargetTests
{
    private const string Ask = """
        {"max_tokens":100,"temperature":0.2,"top_p":0.9,"top_k":5,"thinking":{"type":"enabled","budget_tokens":5000},
         "messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"text","text":"y"}]},{"role":"user","content":"z"}]}
        """;

    private static JsonElement Internal(ProviderTarget target, string? url = null, string request = Ask, bool stream = true)
    {
        using var document = JsonDocument.Parse(request);
        var output = new ArrayBufferWriter<byte>();
        var codec = new AnthropicCodec(InternalTarget.For(target, url is null ? null : new Uri(url)));
        using (var writer = new Utf8JsonWriter(output)) codec.WriteInternalRequest(document.RootElement, target, stream, writer);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    [Theory]
    [InlineData("gpt-5")]
    [InlineData("o3-mini")]
    [InlineData("o1")]
    public void A_reasoning_model_gets_max_completion_tokens_reasoning_effort_and_no_sampling(string model)
    {
        var request = Internal(Target("openai", model));

        Assert.Equal(100, request.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("medium", request.GetProperty("reasoning_effort").GetString());
        foreach (var name in new[] { "max_tokens", "temperature", "top_p", "top_k" }) Assert.False(request.TryGetProperty(name, out _), name);
        // Thinking blocks of earlier turns: OpenAI's chat takes no reasoning back.
        Assert.Equal("y", request.GetProperty("messages")[1].GetProperty("content").GetString());
    }

    [Fact]
    public void A_chat_model_gets_max_tokens_and_the_clients_sampling_but_no_top_k_or_reasoning()
    {
        var request = Internal(Target("openai", "gpt-4o"));

        Assert.Equal(100, request.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.2, request.GetProperty("temperature").GetDouble());
        Assert.False(request.TryGetProperty("top_k", out _));
        Assert.False(request.TryGetProperty("reasoning_effort", out _));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("2024-06-01", null, false)]
    [InlineData("2024-08-01-preview", null, false)]
    [InlineData("2024-10-21", null, true)]
    [InlineData("2024-09-01-preview", null, true)]
    [InlineData("2025-04-01-preview", null, true)]
    [InlineData("2023-05-15", "http://h/openai/deployments/d/chat/completions?api-version=2024-10-21", true)]
    public void Azure_is_asked_for_the_usage_chunk_only_from_the_api_version_that_has_it(string? configured, string? url, bool asked)
    {
        var options = configured is null ? null : new Dictionary<string, string> { ["azure_api_version"] = configured };
        var request = Internal(Target("azure", "gpt-4o", options), url);

        Assert.Equal(asked, request.TryGetProperty("stream_options", out _));
        Assert.True(request.GetProperty("stream").GetBoolean());
    }

    [Theory]
    [InlineData("vllm", true)]
    [InlineData("gemini", true)]
    [InlineData("mistral", false)]
    [InlineData("deepseek", false)]
    [InlineData("azure", false)]
    public void Top_k_goes_only_where_the_provider_takes_it(string provider, bool sent) =>
        Assert.Equal(sent, Internal(Target(provider, "m")).TryGetProperty("top_k", out _));

    [Fact]
    public void Tools_towards_Azure_before_2023_12_01_are_refused_naming_the_field()
    {
        const string tools = """{"max_tokens":10,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"t","input_schema":{"type":"object"}}]}""";

        var refusal = Assert.Throws<NotSupportedException>(() => Internal(Target("azure", "gpt-4o"), request: tools));

        Assert.StartsWith("'tools': Azure api-version 2023-05-15", refusal.Message);
        Assert.True(Internal(Target("azure", "gpt-4o", new() { ["azure_api_version"] = "2024-02-01" }), request: tools).TryGetProperty("tools", out _));
    }

    [Fact]
    public void OpenAIs_cached_tokens_reach_the_Anthropic_client_as_cache_reads_outside_input_tokens()
    {
        var body = new AnthropicCodec().WriteResponse(new Actors.Api.Providers.Translation.ChatCompletion
        {
            Id = "chatcmpl-1", Model = "gpt-4o", Content = "hi", FinishReason = "stop", PromptTokens = 100, CompletionTokens = 5, CachedTokens = 60,
        });

        var usage = JsonDocument.Parse(body).RootElement.GetProperty("usage");
        Assert.Equal(40, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(60, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("output_tokens").GetInt32());
    }

    private static JsonElement MessageDelta(AnthropicEventWriter writer, string openAISse)
    {
        var output = new ArrayBufferWriter<byte>();
        writer.Feed(Encoding.UTF8.GetBytes(openAISse), output);
        writer.Complete(output);
        var events = Encoding.UTF8.GetString(output.WrittenSpan).Split("\n").Where(l => l.StartsWith("data: ")).Select(l => JsonDocument.Parse(l[6..]).RootElement.Clone());
        return events.Single(e => e.GetProperty("type").GetString() == "message_delta");
    }

    [Fact]
    public void A_stream_without_usage_is_counted_one_token_a_delta_and_the_estimated_prompt()
    {
        const string sse = """
            data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

            data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hello"}}]}

            data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":" there"}}]}

            data: {"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: [DONE]


            """;
        var delta = MessageDelta(new AnthropicEventWriter("m", estimatedInputTokens: 33), sse.Replace("\r\n", "\n"));

        Assert.Equal(33, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(2, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void A_stream_with_usage_reports_the_providers_counts_and_cache_reads()
    {
        const string sse = """
            data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":"length"}]}

            data: {"id":"c","model":"m","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":20}}}

            data: [DONE]


            """;
        var delta = MessageDelta(new AnthropicEventWriter("m", estimatedInputTokens: 33), sse.Replace("\r\n", "\n"));

        Assert.Equal(30, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(20, delta.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(7, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal("max_tokens", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
    }
}
