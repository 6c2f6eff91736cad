using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Anthropic;
using Actors.FakeOpenAI;
using Actors.FakeOpenAI.Native;
using Anthropic;
using Anthropic.Models.Messages;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Anthropic;

/// <summary>The driver against the fake Messages API, and the official SDK against the same fake.</summary>
public sealed class AnthropicFakeTests(FakeServerFixture fake) : IClassFixture<FakeServerFixture>
{
    private readonly AnthropicDriver _driver = new();
    private string Url => fake.BaseUrl + "/v1/messages";
    private static ProviderTarget Claude => Target("anthropic", "claude-sonnet-4-5") with { AuthHeaderName = "x-api-key", AuthHeaderValue = "sk-ant-test" };

    private const string Conversation = """
        "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Who is the greatest Polish writer?"}]
        """;

    [Fact]
    public async Task Fake_rejects_what_the_real_api_rejects()
    {
        using var client = new HttpClient();
        async Task<(int, string)> Post(string body, bool version = true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("x-api-key", "k");
            if (version) request.Headers.Add("anthropic-version", "2023-06-01");
            using var response = await client.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        var (status, body) = await Post("""{"model":"m","max_tokens":10,"messages":[{"role":"system","content":"x"},{"role":"user","content":"Hi"}]}""");
        Assert.Equal(400, status);
        Assert.Contains("top-level `system`", body);
        (status, body) = await Post("""{"model":"m","messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(400, status);
        Assert.Contains("max_tokens", body);
        (status, _) = await Post("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""", version: false);
        Assert.Equal(400, status);
        (status, body) = await Post("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"nope","content":"x"}]}]}""");
        Assert.Equal(400, status);
        Assert.Contains("tool_use_id", body);
    }

    [Fact]
    public async Task Answer_through_the_fake()
    {
        var exchange = await SendAsync(_driver, Claude, Url, "{" + Conversation + "}");
        Assert.Equal(200, exchange.Status);
        var completion = JsonDocument.Parse(exchange.Body).RootElement;
        Assert.Equal("Fake answer from claude-sonnet-4-5.", completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Stream_through_the_fake()
    {
        var exchange = await SendAsync(_driver, Claude, Url, "{" + Conversation + ""","stream":true,"stream_options":{"include_usage":true}}""");
        var chunks = Events(exchange.Body);
        Assert.Equal("Fake answer from claude-sonnet-4-5.", Text(chunks));
        Assert.Equal("stop", FinishReason(chunks));
        Assert.Equal(4, Usage(chunks)!.Value.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Tool_call_round_trip_through_the_fake()
    {
        const string tools = """
            "tools":[{"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{"query":{"type":"string"}}}}}]
            """;
        var first = JsonDocument.Parse((await SendAsync(_driver, Claude, Url, "{" + Conversation + "," + tools + "}")).Body).RootElement;
        var choice = first.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("""{"query":"fake"}""", call.GetProperty("function").GetProperty("arguments").GetString());

        // The client answers the call; the fake checks the tool_result refers to the tool_use before it.
        var followUp = $$"""
            {"messages":[{"role":"user","content":"Search"},
              {"role":"assistant","content":null,"tool_calls":[{{call.GetRawText()}}]},
              {"role":"tool","tool_call_id":"{{call.GetProperty("id").GetString()}}","content":"found"}],{{tools}}}
            """;
        var second = await SendAsync(_driver, Claude, Url, followUp);
        Assert.Equal(200, second.Status);
        Assert.Equal("stop", JsonDocument.Parse(second.Body).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        var streamed = Events((await SendAsync(_driver, Claude, Url, "{" + Conversation + "," + tools + ""","stream":true}""")).Body);
        Assert.Equal("tool_calls", FinishReason(streamed));
    }

    [Fact]
    public async Task Failure_switch_answers_in_anthropic_shape_and_translates()
    {
        await fake.WithBehaviorAsync(new FakeBehavior { Status = 529 }, async () =>
        {
            var exchange = await SendAsync(_driver, Claude, Url, "{" + Conversation + "}");
            Assert.Equal(503, exchange.Status);
            var error = JsonDocument.Parse(exchange.Body).RootElement.GetProperty("error");
            Assert.Equal("overloaded_error", error.GetProperty("code").GetString());
        });
    }

    [Fact]
    public async Task Official_sdk_reads_the_fakes_answer_and_stream()
    {
        var client = new AnthropicClient { ApiKey = "sk-ant-test", BaseUrl = fake.BaseUrl };
        var parameters = new MessageCreateParams
        {
            MaxTokens = 100,
            Model = "claude-sonnet-4-5",
            System = "Be brief.",
            Messages = [new UserMessageParam("Who is the greatest Polish writer?")],
        };
        var message = await client.Messages.Create(parameters);
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Fake answer from claude-sonnet-4-5.", text!.Text);
        Assert.Equal("end_turn", message.StopReason!.Raw());

        var streamed = new System.Text.StringBuilder();
        await foreach (var e in client.Messages.CreateStreaming(parameters))
            if (e.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var piece)) streamed.Append(piece!.Text);
        Assert.Equal("Fake answer from claude-sonnet-4-5.", streamed.ToString());

        // What the SDK sends passed the fake's checks: top-level system, max_tokens, its own API version.
        var sent = fake.Server.Requests.Last(r => r.PathAndQuery == "/v1/messages");
        Assert.Contains("\"system\":\"Be brief.\"", sent.Body);
        Assert.Contains(sent.Headers["anthropic-version"], FakeAnthropic.KnownVersions);
    }
}
