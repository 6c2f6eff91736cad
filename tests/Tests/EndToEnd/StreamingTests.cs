using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.Tests.Support;

namespace Actors.Tests.EndToEnd;

[Collection(ProcessCollection.Name)]
public sealed class StreamingTests(GatewayNodeFixture fixture) : GatewayProcessTest(fixture), IClassFixture<GatewayNodeFixture>
{
    private FakeOpenAIServer _fake = null!;

    protected override async Task SetUpAsync()
    {
        _fake = await FakeAsync();
        await ApplyAsync(DeckFile.Route("stream", [("gpt-5", _fake.ChatUrl)], ""));
    }

    private Task<HttpResponseMessage> StreamAsync(string body) => Node.Http.SendAsync(
        new HttpRequestMessage(HttpMethod.Post, Node.ProxyUrl + "/stream") { Content = new StringContent(body, Encoding.UTF8, "application/json") },
        HttpCompletionOption.ResponseHeadersRead);

    [Fact]
    public async Task Events_reach_the_client_as_the_provider_sends_them_and_usage_is_counted()
    {
        _fake.Apply(new FakeBehavior { StreamChunkDelayMs = 300 });
        var watch = Stopwatch.StartNew();
        using var response = await StreamAsync("""{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await reader.ReadLineAsync();
        var firstAt = watch.Elapsed;
        var rest = await reader.ReadToEndAsync();
        var doneAt = watch.Elapsed;

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("data: {", first);
        Assert.EndsWith("data: [DONE]\n\n", rest);
        // about eight events 300 ms apart: the first must arrive long before the last
        Assert.True(doneAt - firstAt > TimeSpan.FromMilliseconds(1200), $"first event at {firstAt}, end at {doneAt}");

        JsonNode state = null!;
        for (var i = 0; i < 50; i++)
        {
            state = (await BalancerAsync("stream"))["targets"]![0]!;
            if ((long)state["completion_tokens"]! > 0) break;
            await Task.Delay(100);
        }
        Assert.Equal(4, (long)state["completion_tokens"]!);
        Assert.True((long)state["prompt_tokens"]! > 0);
    }

    [Fact]
    public async Task A_stream_cut_by_the_provider_ends_the_clients_stream_without_a_fake_done()
    {
        _fake.Apply(new FakeBehavior { CutStream = true, StreamChunkDelayMs = 20 });
        using var response = await StreamAsync("""{"messages":[{"role":"user","content":"hi"}],"stream":true}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var received = new StringBuilder();
        var cut = false;
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            received.Append(await reader.ReadToEndAsync());
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            cut = true;
        }

        Assert.True(cut || received.Length > 0);
        Assert.DoesNotContain("[DONE]", received.ToString());
    }
}
