using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Ollama;
using Actors.FakeOpenAI;
using OllamaSharp;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Ollama;

public sealed class OllamaDriverTests(FakeServerFixture fake) : IClassFixture<FakeServerFixture>
{
    private readonly OllamaDriver _driver = new();
    private string Url => fake.BaseUrl + "/api/chat";

    [Fact]
    public void Request_is_native_api_chat_with_stream_always_explicit()
    {
        var (body, request) = Write(_driver, """
            {"model":"x","messages":[{"role":"developer","content":"Be brief."},
              {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}}]},
              {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"look","arguments":"{\"zoom\":2}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"a cat"}],
             "max_tokens":30,"temperature":0.4,"stop":["\n"],
             "tools":[{"type":"function","function":{"name":"look","parameters":{"type":"object"}}}]}
            """, Target("ollama", "llava") with { TopK = 10 });

        Assert.Equal("llava", body.GetProperty("model").GetString());
        Assert.False(body.GetProperty("stream").GetBoolean());
        Assert.False(request.Stream);
        var messages = body.GetProperty("messages");
        Assert.Equal(["system", "user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("iVBOR", messages[1].GetProperty("images")[0].GetString());
        Assert.Equal(2, messages[2].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetProperty("zoom").GetInt32());
        Assert.Equal("look", messages[3].GetProperty("tool_name").GetString());
        var options = body.GetProperty("options");
        Assert.Equal(30, options.GetProperty("num_predict").GetInt32());
        Assert.Equal(10, options.GetProperty("top_k").GetInt32());
        Assert.Equal("look", body.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.True(Write(_driver, """{"messages":[{"role":"user","content":"Hi"}],"stream":true}""", Target("ollama")).Body.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public void Url_is_only_the_configured_one()
    {
        Assert.Null(_driver.ResolveUrl(Target("ollama"), null, false));
        Assert.Equal("http://127.0.0.1:11434/api/chat", _driver.ResolveUrl(Target("ollama"), "http://127.0.0.1:11434/api/chat", true)!.ToString());
    }

    [Fact]
    public void Llama2_and_mistral_pick_their_format_from_the_option()
    {
        var registry = ProviderRegistry.Default;
        var ollamaFormat = Target("llama2", "llama2", new() { ["llama2_format"] = "ollama" });
        Assert.True(Write(registry.Find("llama2")!, """{"messages":[{"role":"user","content":"Hi"}]}""", ollamaFormat).Body.TryGetProperty("options", out _) is false);
        Assert.False(Write(registry.Find("llama2")!, """{"messages":[{"role":"user","content":"Hi"}]}""", ollamaFormat).Body.GetProperty("stream").GetBoolean());
        Assert.NotNull(registry.Find("llama2")!.CreateStreamTranslator(ollamaFormat, false));
        Assert.Null(registry.Find("llama2")!.CreateStreamTranslator(Target("llama2", options: new() { ["llama2_format"] = "openai" }), false));
        Assert.Equal("https://api.mistral.ai/v1/chat/completions", registry.Find("mistral")!.ResolveUrl(Target("mistral"), null, false)!.ToString());
        Assert.Null(registry.Find("mistral")!.ResolveUrl(Target("mistral", options: new() { ["mistral_format"] = "ollama" }), null, false));
        // llama2's raw prompt format is not translated: such a target gets no URL instead of another format.
        Assert.Null(registry.Find("llama2")!.ResolveUrl(Target("llama2", options: new() { ["llama2_format"] = "raw" }), "http://127.0.0.1:9/x", false));
    }

    [Theory]
    [InlineData("stop", false, "stop")]
    [InlineData("length", false, "length")]
    [InlineData("stop", true, "tool_calls")]
    public void Response_maps_done_reason_content_calls_and_counts(string doneReason, bool withCall, string expected)
    {
        var calls = withCall ? ""","tool_calls":[{"function":{"name":"look","arguments":{"zoom":2}}}]""" : "";
        var completion = Translate(_driver, $$$"""
            {"model":"llava","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"A cat"{{{calls}}}},
             "done":true,"done_reason":"{{{doneReason}}}","prompt_eval_count":26,"eval_count":5}
            """, Target("ollama", "llava"));
        var choice = completion.GetProperty("choices")[0];
        Assert.Equal(expected, choice.GetProperty("finish_reason").GetString());
        Assert.Equal("A cat", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(26, completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public void Ndjson_stream_becomes_openai_chunks_however_split()
    {
        var stream = """
            {"model":"llava","message":{"role":"assistant","content":"Żółw"},"done":false}
            {"model":"llava","message":{"role":"assistant","content":" śpi"},"done":false}
            {"model":"llava","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":8,"eval_count":2}

            """;
        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(Target("ollama"), includeUsage: true)!, Encoding.UTF8.GetBytes(stream));
        Assert.Equal("Żółw śpi", Text(chunks));
        Assert.Equal("stop", FinishReason(chunks));
        Assert.Equal(8, Usage(chunks)!.Value.GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public void Errors_become_openai_errors()
    {
        var (status, error) = Error(_driver, 404, """{"error":"model \"x\" not found, try pulling it first"}""");
        Assert.Equal(404, status);
        Assert.Equal("not_found_error", error.GetProperty("type").GetString());
        Assert.StartsWith("model \"x\" not found", error.GetProperty("message").GetString());
        var midStream = Events(Stream(_driver.CreateStreamTranslator(Target("ollama"), false)!, """{"error":"out of memory"}"""u8.ToArray()));
        Assert.Equal("out of memory", midStream.Single().GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Answer_stream_tools_and_missing_model_through_the_fake()
    {
        var target = Target("ollama", "llama3.2");
        var answer = await SendAsync(_driver, target, Url, """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal("Fake answer from llama3.2.", JsonDocument.Parse(answer.Body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        var chunks = Events((await SendAsync(_driver, target, Url, """{"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}""")).Body);
        Assert.Equal("Fake answer from llama3.2.", Text(chunks));
        Assert.Equal(4, Usage(chunks)!.Value.GetProperty("completion_tokens").GetInt32());

        var called = await SendAsync(_driver, target, Url, """{"messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"search","parameters":{"type":"object"}}}]}""");
        Assert.Equal("tool_calls", JsonDocument.Parse(called.Body).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        var missing = await SendAsync(_driver, Target("ollama", "missing-model"), Url, """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(404, missing.Status);

        await fake.WithBehaviorAsync(new FakeBehavior { Status = 500 }, async () =>
            Assert.Equal(500, (await SendAsync(_driver, target, Url, """{"messages":[{"role":"user","content":"Hi"}]}""")).Status));
    }

    [Fact]
    public async Task OllamaSharp_reads_the_fakes_stream()
    {
        using var client = new OllamaApiClient(new Uri(fake.BaseUrl)) { SelectedModel = "llama3.2" };
        var text = new StringBuilder();
        await foreach (var piece in client.ChatAsync(new OllamaSharp.Models.Chat.ChatRequest
        {
            Model = "llama3.2",
            Messages = [new OllamaSharp.Models.Chat.Message(OllamaSharp.Models.Chat.ChatRole.User, "Hi")],
        }))
            text.Append(piece?.Message.Content);
        Assert.Equal("Fake answer from llama3.2.", text.ToString());
    }
}
