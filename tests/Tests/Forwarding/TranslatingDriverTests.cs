using System.Net;
using System.Text.Json.Nodes;
using Actors.Api.Forwarding;
using Actors.FakeOpenAI;
using Actors.Tests.Support;

namespace Actors.Tests.Forwarding;

/// <summary>
/// The seam for provider drivers, through the whole pipeline in process: a driver that translates gets the
/// request, the endpoint, the response, the stream and the errors; the forwarder keeps sockets, timeouts and retries.
/// </summary>
public sealed class TranslatingDriverTests : TestWithUpstreams
{
    private Task<PipelineHost> HostAsync(params (string Model, string Url)[] targets) => HostAsync("", targets);

    private Task<PipelineHost> HostAsync(string balancer, params (string Model, string Url)[] targets) =>
        Own(PipelineHost.StartAsync(DeckFile.Route("native", targets, balancer).Replace("provider: openai", "provider: cohere"), providers: NativeTestDriver.Registry));

    [Fact]
    public async Task The_driver_writes_the_request_and_its_headers_and_translates_the_answer()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(("native-model", fake.ChatUrl));

        using var response = await host.ChatAsync("/native", """{"model":"x","messages":[{"role":"user","content":"hi"}],"temperature":0.3}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("native", (string)body["translated_by"]!);
        Assert.Equal("native-model", (string)body["model"]!);
        Assert.Equal("cohere/native-model", response.Headers.GetValues("X-Kong-LLM-Model").Single());
        var sent = Assert.Single(fake.Requests);
        var native = JsonNode.Parse(sent.Body)!;
        Assert.True((bool)native["native"]!);
        Assert.Null(native["temperature"]);                        // the driver's body, not the byte-for-byte rewrite
        Assert.Equal($"Bearer {GatewayNode.ApiKey}", sent.Headers["x-native-key"]);
        Assert.Equal("2024-01-01", sent.Headers["native-version"]);
        Assert.Equal($"Bearer {GatewayNode.ApiKey}", sent.Headers["Authorization"]);  // the target's credential, never the client's token
        Assert.Equal("/v1/chat/completions", sent.PathAndQuery);
        var report = Assert.Single(host.Picker.Reports);
        Assert.Equal(4, report.CompletionTokens);
    }

    [Fact]
    public async Task A_stream_goes_to_the_drivers_stream_endpoint_and_through_its_translator()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(("native-model", fake.ChatUrl));

        using var response = await host.ChatAsync("/native", """{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""",
            HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("/v1/chat/completions?" + NativeTestDriver.StreamQuery, Assert.Single(fake.Requests).PathAndQuery);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events[..^1], e => Assert.StartsWith("data: {\"native\":{", e));
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Equal(4, Assert.Single(host.Picker.Reports).CompletionTokens);
    }

    [Fact]
    public async Task Provider_errors_are_translated_whether_returned_at_once_or_after_every_target_failed()
    {
        var rejecting = await FakeAsync(new FakeBehavior { Status = 400 });
        var host = await HostAsync(("m", rejecting.ChatUrl));
        using var rejected = await host.ChatAsync("/native");

        var (down1, down2) = (await FakeAsync(new FakeBehavior { Status = 503 }), await FakeAsync(new FakeBehavior { Status = 503 }));
        var failing = await HostAsync("retries: 1\nfailover_criteria: [http_503, non_idempotent]", ("a", down1.ChatUrl), ("b", down2.ChatUrl));
        using var failed = await failing.ChatAsync("/native");

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal("native: fake upstream failure 400", (string)(await Json(rejected))["error"]!["message"]!);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("native_error", (string)(await Json(failed))["error"]!["type"]!);
        Assert.Equal(2, down1.RequestCount + down2.RequestCount);
    }

    [Fact]
    public async Task A_body_too_large_to_translate_ends_the_request_with_a_clear_502()
    {
        var huge = await FakeAsync(new FakeBehavior { ResponseBytes = TranslatingRelay.MaxTranslatedBodyBytes + 1_000_000 });
        var other = await FakeAsync();
        var host = await HostAsync(("huge", huge.ChatUrl), ("other", other.ChatUrl));

        using var response = await host.ChatAsync("/native");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await Json(response))["error"]!;
        Assert.Equal($"target 0 of route 'native' answered more than {TranslatingRelay.MaxTranslatedBodyBytes} bytes, the most the gateway translates", (string)error["message"]!);
        Assert.Equal("upstream_error", (string)error["type"]!);
        Assert.Equal(0, other.RequestCount);           // the same request would get the same answer elsewhere
        Assert.True(Assert.Single(host.Picker.Reports).Success);
    }
}
