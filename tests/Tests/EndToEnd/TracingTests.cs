using System.Net;
using System.Text;
using Actors.Tests.Support;

namespace Actors.Tests.EndToEnd;

[Collection(ProcessCollection.Name)]
public sealed class TracingTests
{
    [Fact]
    public async Task With_an_otlp_endpoint_the_callers_trace_continues_to_the_provider()
    {
        await using var fake = await FakeUpstream.StartAsync();
        // nothing listens on the OTLP port: export fails quietly in the background, propagation is what is tested
        await using var node = await GatewayNode.StartAsync(["--Otel:Endpoint", $"http://127.0.0.1:{FreePorts.Next()}"]);
        using (var applied = await node.PostConfigAsync(DeckFile.Route("traced", [("m", fake.ChatUrl)], ""))) Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        using var request = new HttpRequestMessage(HttpMethod.Post, node.ProxyUrl + "/traced")
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await node.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(fake.Requests).Headers["traceparent"];
        Assert.StartsWith($"00-{traceId}-", sent);
        Assert.DoesNotContain("00f067aa0ba902b7", sent); // a span of the gateway's own, child of the caller's
    }

    [Fact]
    public async Task Without_tracing_the_callers_trace_context_goes_to_the_provider_unchanged()
    {
        await using var fake = await FakeUpstream.StartAsync();
        await using var node = await GatewayNode.StartAsync();
        using (var applied = await node.PostConfigAsync(DeckFile.Route("untraced", [("m", fake.ChatUrl)], ""))) Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        const string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        using var request = new HttpRequestMessage(HttpMethod.Post, node.ProxyUrl + "/untraced")
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", traceparent);
        request.Headers.Add("tracestate", "vendor=abc");
        using var response = await node.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(fake.Requests).Headers;
        Assert.Equal(traceparent, sent["traceparent"]);
        Assert.Equal("vendor=abc", sent["tracestate"]);
    }
}
