using System.Net;
using Actors.Api.Logging;
using Actors.Tests.Providers;
using Actors.Tests.Support;

namespace Actors.Tests.Logging;

/// <summary>Kong's <c>logging.log_payloads</c>: a target that asks for it gets the bodies in the request log line, no other.</summary>
public sealed class PayloadLoggingTests : TestWithUpstreams
{
    private const string Question = """{"messages":[{"role":"user","content":"Who wrote Pan Tadeusz?"}]}""";

    private async Task<string> LogOfOneRequestAsync(string logging)
    {
        var fake = await FakeAsync();
        var target = ProviderDeck.Target("openai", fake.BaseUrl) + logging;
        var host = await Own(PipelineHost.StartAsync(ProviderDeck.Document("books", "algorithm: round-robin", [target])));
        using (var response = await host.ChatAsync("/books", Question)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await host.RequestLogAsync();
    }

    [Fact]
    public async Task A_target_with_log_payloads_has_both_bodies_in_the_log_line_and_never_the_credential()
    {
        var log = await LogOfOneRequestAsync("          logging: {log_payloads: true}\n");

        Assert.Contains("proxied ", log);
        Assert.Contains("request_payload=\"{\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"Who wrote Pan Tadeusz?\\\"}]}\"", log);
        Assert.Contains("response_payload=\"", log);
        Assert.Contains("Fake answer from openai-e2e.", log);
        Assert.DoesNotContain(GatewayNode.ApiKey, log);
    }

    [Fact]
    public async Task Without_log_payloads_no_body_is_logged()
    {
        var log = await LogOfOneRequestAsync("");

        Assert.Contains("proxied ", log);
        Assert.DoesNotContain("payload", log);
        Assert.DoesNotContain("Pan Tadeusz", log);
    }

    [Fact]
    public void A_body_over_the_limit_is_cut_and_says_how_much_was_left_out()
    {
        var body = new byte[PayloadCapture.Limit + 10];
        Array.Fill(body, (byte)'a');

        var text = PayloadCapture.Text(body, body.Length);

        Assert.Equal(new string('a', PayloadCapture.Limit) + "…[10 more bytes]", text);
    }
}
