using System.Net;
using Actors.FakeOpenAI;
using Actors.Tests.Proxy;
using Actors.Tests.Support;

namespace Actors.Tests.Forwarding;

/// <summary>OpenAI-format bodies pass through in chunks: large ones intact with their usage, small cut ones retried.</summary>
public sealed class PassThroughRelayTests : TestWithUpstreams
{
    [Fact]
    public async Task A_large_body_arrives_byte_for_byte_and_its_usage_is_read_on_the_way()
    {
        const int size = 6_000_000;
        var fake = await Own(FakeUpstream.StartAsync("--Fake:ResponseBytes", size.ToString()));
        var host = await Own(PipelineHost.StartAsync(DeckFile.Route("big", [("m", fake.ChatUrl)])));

        using var response = await host.ChatAsync("/big", completion: HttpCompletionOption.ResponseHeadersRead);
        var (length, hash) = await BodyHash.OfAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HugeCompletion.Length("m", size), length);
        Assert.Equal(BodyHash.OfHugeCompletion("m", size), hash);
        var report = Assert.Single(host.Picker.Reports);
        Assert.Equal(HugeCompletion.CompletionTokens(size), report.CompletionTokens);
        Assert.Equal(HugeCompletion.PromptTokens, report.PromptTokens);
    }

    [Fact]
    public async Task A_small_body_cut_before_the_client_saw_it_is_retried_on_the_next_target()
    {
        var cut = await Own(RawUpstream.StartAsync(RawUpstream.CutBody(declared: 2000, sent: 1000)));
        var good = await Own(FakeUpstream.StartAsync());
        var host = await Own(PipelineHost.StartAsync(DeckFile.Route("r", [("cut", cut.Url), ("good", good.ChatUrl)], "failover_criteria: [error, timeout, non_idempotent]")));

        using var response = await host.ChatAsync("/r");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("X-Actors-Attempts").Single());
        Assert.Equal([false, true], host.Picker.Reports.Select(r => r.Success));
    }

    [Fact]
    public async Task A_large_body_cut_after_it_started_is_cut_for_the_client()
    {
        const int declared = 1_000_000;
        var cut = await Own(RawUpstream.StartAsync(RawUpstream.CutBody(declared, sent: 300_000)));
        var good = await Own(FakeUpstream.StartAsync());
        var host = await Own(PipelineHost.StartAsync(DeckFile.Route("r", [("cut", cut.Url), ("good", good.ChatUrl)])));

        using var response = await host.ChatAsync("/r", completion: HttpCompletionOption.ResponseHeadersRead);
        var received = await ProxyHandlerTests.ReadWhatArrivesAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(received.Length < declared, $"{received.Length} bytes");
        Assert.Equal(0, good.RequestCount);          // bytes had reached the client: nothing is retried
        Assert.False(Assert.Single(await host.Picker.WaitForReportsAsync(1)).Success);
    }
}
