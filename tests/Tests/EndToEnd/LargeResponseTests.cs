using System.Net;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.EndToEnd;

/// <summary>Large provider bodies stream through a real API node: its memory stays bounded and every byte arrives.</summary>
[Collection(ProcessCollection.Name)]
public sealed class LargeResponseTests(ITestOutputHelper output) : GatewayProcessTest
{
    private const int Size = 50_000_000;
    private const int Concurrent = 8;
    private const long AllowedGrowth = 150L * 1024 * 1024;

    [Fact]
    public async Task Eight_concurrent_50_MB_responses_arrive_intact_and_the_node_grows_by_at_most_150_MiB()
    {
        var fake = await FakeAsync();
        await ApplyAsync(DeckFile.Combine(DeckFile.Route("warm", [("m", fake.ChatUrl)]), DeckFile.Route("huge", [("m", fake.ChatUrl)])));
        for (var i = 0; i < 20; i++) (await Node.ChatAsync("/warm")).Dispose();
        fake.Apply(new FakeBehavior { ResponseBytes = Size });
        var expected = BodyHash.OfHugeCompletion("m", Size);
        var before = Node.ResidentBytes();

        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakAsync(sampling.Token);
        var received = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => ReceiveAsync()));
        await sampling.CancelAsync();
        var growth = await peak - before;

        output.WriteLine($"resident before {before >> 20} MiB, peak growth {growth >> 20} MiB with {Concurrent} × {Size / 1_000_000} MB in flight");
        Assert.All(received, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.Status);
            Assert.Equal(HugeCompletion.Length("m", Size), r.Length);
            Assert.Equal(expected, r.Hash);
        });
        Assert.True(growth <= AllowedGrowth, $"the node grew by {growth >> 20} MiB");
        Assert.Equal(Concurrent * HugeCompletion.CompletionTokens(Size), await CompletionTokensAsync(Concurrent * HugeCompletion.CompletionTokens(Size)));
    }

    private async Task<(HttpStatusCode Status, long Length, byte[] Hash)> ReceiveAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Node.ProxyUrl + "/huge")
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"a long answer please"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await Node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var (length, hash) = await BodyHash.OfAsync(response);
        return (response.StatusCode, length, hash);
    }

    /// <summary>The highest resident set seen every 20 ms until cancelled.</summary>
    private async Task<long> SamplePeakAsync(CancellationToken stop)
    {
        var peak = 0L;
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, Node.ResidentBytes());
            try { await Task.Delay(20, stop); } catch (OperationCanceledException) { }
        }
        return Math.Max(peak, Node.ResidentBytes());
    }

    /// <summary>Completion tokens the route grain counted for "huge" (outcomes are reported one-way: wait for them).</summary>
    private async Task<long> CompletionTokensAsync(long expected)
    {
        long tokens = 0;
        for (var i = 0; i < 50 && tokens != expected; i++)
        {
            tokens = (long)(await BalancerAsync("huge"))["targets"]![0]!["completion_tokens"]!;
            if (tokens != expected) await Task.Delay(100);
        }
        return tokens;
    }
}
