using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.EndToEnd;

/// <summary>The algorithms through a running gateway, fed by real latencies, tokens and headers.</summary>
[Collection(ProcessCollection.Name)]
public sealed class AlgorithmEndToEndTests(GatewayNodeFixture fixture, ITestOutputHelper output) : GatewayProcessTest(fixture), IClassFixture<GatewayNodeFixture>
{
    private FakeOpenAIServer _slow = null!;
    private FakeOpenAIServer _fast = null!;

    protected override async Task SetUpAsync()
    {
        _slow = await FakeAsync(args: ["--Fake:DelayMs", "150"]);
        _fast = await FakeAsync();
    }

    private Task ApplyAsync(string name, string balancer) => ApplyAsync(DeckFile.Route(name, [("slow", _slow.ChatUrl), ("fast", _fast.ChatUrl)], balancer));

    private async Task<string> ChatAsync(string route, string? hashKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Node.ProxyUrl}/{route}")
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        if (hashKey is not null) request.Headers.Add("X-Kong-LLM-Request-ID", hashKey);
        using var response = await Node.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["model"]!;
    }

    [Fact]
    public async Task Lowest_latency_converges_on_the_fast_target()
    {
        await ApplyAsync("latency", "algorithm: lowest-latency\nlatency_strategy: e2e");
        var models = new List<string>();
        for (var i = 0; i < 60; i++) models.Add(await ChatAsync("latency"));

        var state = await BalancerAsync("latency");
        output.WriteLine($"lowest-latency over 60 requests: slow {models.Count(m => m == "slow")}, fast {models.Count(m => m == "fast")}; averages {state["targets"]![0]!["inputs"]!["latency_average_ms"]} / {state["targets"]![1]!["inputs"]!["latency_average_ms"]} ms");
        Assert.True(models.Skip(20).Count(m => m == "fast") >= 36, string.Join(",", models));
        Assert.Contains("slow", models.Skip(20));   // still probed now and then
        Assert.Equal("e2e", (string)state["strategy"]!);
        Assert.True((double)state["targets"]![0]!["inputs"]!["latency_average_ms"]! > (double)state["targets"]![1]!["inputs"]!["latency_average_ms"]!);
    }

    [Fact]
    public async Task Consistent_hashing_keeps_a_key_on_one_target_and_shows_the_slots()
    {
        await ApplyAsync("sticky", "algorithm: consistent-hashing");
        var byKey = new Dictionary<string, HashSet<string>>();
        for (var round = 0; round < 3; round++)
            for (var k = 0; k < 20; k++)
                (byKey.TryGetValue($"k{k}", out var set) ? set : byKey[$"k{k}"] = []).Add(await ChatAsync("sticky", $"k{k}"));

        Assert.All(byKey.Values, set => Assert.Single(set));
        Assert.Equal(2, byKey.Values.Select(s => s.Single()).Distinct().Count());
        var state = await BalancerAsync("sticky");
        Assert.Equal(100, (int)state["targets"]![0]!["inputs"]!["hash_slots"]!);
        Assert.Equal("header X-Kong-LLM-Request-ID", (string)state["strategy"]!);
        // without the header: round-robin
        Assert.NotEqual(await ChatAsync("sticky"), await ChatAsync("sticky"));
    }

    [Fact]
    public async Task Lowest_usage_and_priority_work_through_the_gateway()
    {
        await ApplyAsync("usage", "algorithm: lowest-usage\ntokens_count_strategy: completion-tokens");
        var usage = new List<string>();
        for (var i = 0; i < 10; i++) usage.Add(await ChatAsync("usage"));
        Assert.Equal(5, usage.Count(m => m == "fast"));   // equal answers: equal usage, so they alternate
        // outcomes reach the grain in batches within milliseconds of the response
        double windowUsage = 0;
        for (var i = 0; i < 50 && windowUsage != 20; i++, await Task.Delay(20))
            windowUsage = (double)(await BalancerAsync("usage"))["targets"]![0]!["inputs"]!["window_usage"]!;
        Assert.Equal(20, windowUsage);

    }

    [Fact]
    public async Task Priority_fails_over_to_the_lower_group_and_comes_back()
    {
        // "slow" keeps the default weight 100 (the first group), "fast" gets 50 (the backup group)
        var yaml = DeckFile.Route("prio", [("slow", _slow.ChatUrl), ("fast", _fast.ChatUrl)], "algorithm: priority\nmax_fails: 1\nfail_timeout: 1000\nfailover_criteria: [error, timeout, http_503, non_idempotent]");
        var second = yaml.LastIndexOf("route_type: llm/v1/chat\n", StringComparison.Ordinal) + "route_type: llm/v1/chat\n".Length;
        yaml = yaml.Insert(second, "          weight: 50\n");
        using (var applied = await Node.PostConfigAsync(yaml)) Assert.Equal(HttpStatusCode.OK, applied.StatusCode);

        Assert.Equal(["slow", "slow", "slow"], [await ChatAsync("prio"), await ChatAsync("prio"), await ChatAsync("prio")]);
        _slow.Apply(new FakeBehavior { Status = 503 });
        Assert.Equal(["fast", "fast", "fast"], [await ChatAsync("prio"), await ChatAsync("prio"), await ChatAsync("prio")]);
        var groups = (await BalancerAsync("prio"))["targets"]!.AsArray().Select(t => (int)t!["inputs"]!["priority_group"]!);
        Assert.Equal([0, 1], groups);

        _slow.Apply(new FakeBehavior());
        await Task.Delay(1200); // fail_timeout: the next request probes the first group again
        Assert.Equal(["slow", "slow"], [await ChatAsync("prio"), await ChatAsync("prio")]);
    }
}
