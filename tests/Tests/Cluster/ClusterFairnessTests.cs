using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.Cluster;

public sealed class FairnessClusterFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalCluster.StartAsync(silos: 3, apis: 2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Three silos and two API nodes, each its own process, on a real Redis: the rotation is exact cluster-wide.</summary>
[Trait("Category", "Cluster"), Collection(ProcessCollection.Name)]
public sealed class ClusterFairnessTests(FairnessClusterFixture fixture, ITestOutputHelper output)
{
    private LocalCluster Cluster => fixture.Cluster;
    private GatewayNode A => Cluster.Apis[0]!;
    private GatewayNode B => Cluster.Apis[1]!;

    private static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private async Task<long> ApplySeedAsync(GatewayNode node, string? text = null)
    {
        using var response = await node.PostConfigAsync(text ?? Cluster.SeedConfig);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (long)(await Json(response))["version"]!;
    }

    private static async Task<TimeSpan> WaitForVersionAsync(GatewayNode node, long version)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var config = JsonNode.Parse(await node.Http.GetStringAsync(node.AdminUrl + "/config"))!;
            if ((long)config["version"]! >= version) return watch.Elapsed;
            await Task.Delay(20);
        }
        throw new TimeoutException($"version {version} never reached {node.AdminUrl}");
    }

    [Fact]
    public async Task A_config_posted_to_one_node_is_served_by_the_other()
    {
        var version = await ApplySeedAsync(A);

        var seenAfter = await WaitForVersionAsync(B, version);

        output.WriteLine($"node B saw config version {version} {seenAfter.TotalMilliseconds:F0} ms after node A applied it");
        using var response = await B.ChatAsync("/route1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_route_mixing_OpenAI_and_Anthropic_rotates_exactly_over_two_nodes()
    {
        // The fakes serve every native API; the nodes hold only DECK_OPENAI_API_KEY, so Anthropic's key is that one too.
        var deck = Providers.ProviderDeck.Route("mixedfair", [("openai", Cluster.Gpt41.BaseUrl), ("anthropic", Cluster.Gpt5.BaseUrl)])
            .Replace("DECK_ANTHROPIC_API_KEY", "DECK_OPENAI_API_KEY");
        await WaitForVersionAsync(B, await ApplySeedAsync(A, deck));

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? A : B).ChatAsync("/mixedfair");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (string)(await Json(response))["choices"]![0]!["message"]!["content"]!;
        }));

        var split = answers.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"mixed split over two API nodes: {string.Join(", ", split.Select(s => $"{s.Key} {s.Value}"))}");
        Assert.Equal(50, split["Fake answer from openai-e2e."]);
        Assert.Equal(50, split["Fake answer from anthropic-e2e."]);
        var state = await Json(await A.Http.GetAsync(A.AdminUrl + "/routes/mixedfair/balancer"));
        Assert.Equal([50L, 50L], state["targets"]!.AsArray().Select(t => (long)t!["picks"]!));
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_over_two_nodes_split_exactly_100_100()
    {
        var version = await ApplySeedAsync(A, Cluster.SeedConfig.Replace("route1", "fair"));
        await WaitForVersionAsync(B, version);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? A : B).ChatAsync("/fair");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (string)(await Json(response))["model"]!;
        }));

        var split = responses.GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"split over two API nodes: gpt-4.1 {split.GetValueOrDefault("gpt-4.1")}, gpt-5 {split.GetValueOrDefault("gpt-5")}");
        Assert.Equal(100, split["gpt-4.1"]);
        Assert.Equal(100, split["gpt-5"]);

        var state = await Json(await B.Http.GetAsync(B.AdminUrl + "/routes/fair/balancer"));
        Assert.Equal(200, (long)state["cursor"]!);
        Assert.Equal([100L, 100L], state["targets"]!.AsArray().Select(t => (long)t!["picks"]!));
        Assert.InRange(Cluster.SiloIndexOf((string)state["silo"]!), 0, 2);
    }

    [Fact]
    public async Task Least_connections_sees_a_request_held_open_on_one_node_when_the_other_picks()
    {
        var version = await ApplySeedAsync(A, Cluster.SeedConfig.Replace("route1", "least").Replace("algorithm: round-robin", "algorithm: least-connections"));
        await WaitForVersionAsync(B, version);
        async Task<long> InFlightAsync(int target) => (long)(await B.BalancerAsync("least"))["targets"]![target]!["inputs"]!["in_flight"]!;
        async Task WaitForInFlightAsync(int target, long expected)
        {
            for (var i = 0; i < 600 && await InFlightAsync(target) != expected; i++) await Task.Delay(50);
            Assert.Equal(expected, await InFlightAsync(target));
        }

        // gpt-4.1 (target 0, the first pick) holds its request until the client gives up
        Cluster.Gpt41.Apply(new FakeOpenAI.FakeBehavior { DelayMs = 120_000 });
        using var giveUp = new CancellationTokenSource();
        try
        {
            var arrived = Cluster.Gpt41.RequestCount;
            var held = A.Http.PostAsync(A.ProxyUrl + "/least",
                new StringContent("""{"messages":[{"role":"user","content":"hold"}]}""", System.Text.Encoding.UTF8, "application/json"), giveUp.Token);
            await WaitForInFlightAsync(0, 1);
            for (var i = 0; i < 600 && Cluster.Gpt41.RequestCount == arrived; i++) await Task.Delay(50);
            Assert.Equal(arrived + 1, Cluster.Gpt41.RequestCount); // it reached gpt-4.1's upstream, which holds it

            // node B's requests, one at a time: each sees gpt-4.1 busy (round-robin would send every other one there)
            var models = new List<string>();
            for (var i = 0; i < 6; i++)
            {
                await WaitForInFlightAsync(1, 0); // the previous outcome has reached the grain
                using var response = await B.ChatAsync("/least");
                models.Add((string)(await Json(response))["model"]!);
            }
            output.WriteLine("least-connections, gpt-4.1 busy on node A: node B got " + string.Join(", ", models));
            Assert.All(models, m => Assert.Equal("gpt-5", m));

            // the held request ends (its client went away): its outcome frees gpt-4.1 cluster-wide
            giveUp.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
            await WaitForInFlightAsync(0, 0);
        }
        finally
        {
            Cluster.Gpt41.Apply(new FakeOpenAI.FakeBehavior());
        }
    }

    [Fact]
    public async Task A_consumers_rate_limit_holds_across_both_nodes()
    {
        var yaml = Cluster.SeedConfig.Replace("route1", "limited")
            .Replace("    plugins:\n    - name: ai-proxy-advanced", "    plugins:\n    - name: key-auth\n    - name: ai-proxy-advanced")
            + "consumers:\n- username: dave\n  keyauth_credentials:\n  - key: dave-key-93b1c0\n  plugins:\n  - name: rate-limiting\n    config: {minute: 5}\n";
        var version = await ApplySeedAsync(A, yaml);
        await WaitForVersionAsync(B, version);

        var statuses = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            var node = i % 2 == 0 ? A : B;
            using var request = new HttpRequestMessage(HttpMethod.Post, node.ProxyUrl + "/limited")
            {
                Content = new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("apikey", "dave-key-93b1c0");
            using var response = await node.Http.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }

        output.WriteLine("minute: 5 over two nodes: " + string.Join(",", statuses));
        Assert.Equal(5, statuses.Count(s => s == 200));
        Assert.Equal(5, statuses.Count(s => s == 429));
    }

    [Fact]
    public async Task Weights_three_to_one_give_exactly_75_25_over_two_nodes()
    {
        var weighted = Cluster.SeedConfig.Replace("route1", "weighted")
            .Replace("          route_type: \"llm/v1/chat\"", "          weight: 300\n          route_type: \"llm/v1/chat\"");
        // only the first target gets 300: undo it on the second
        var second = weighted.LastIndexOf("weight: 300", StringComparison.Ordinal);
        weighted = weighted[..second] + "weight: 100" + weighted[(second + "weight: 300".Length)..];
        var version = await ApplySeedAsync(A, weighted);
        await WaitForVersionAsync(B, version);

        var models = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await (i % 2 == 0 ? A : B).ChatAsync("/weighted");
            models.Add((string)(await Json(response))["model"]!);
        }

        output.WriteLine($"weights 300:100 over two nodes: gpt-4.1 {models.Count(m => m == "gpt-4.1")}, gpt-5 {models.Count(m => m == "gpt-5")}");
        Assert.Equal(75, models.Count(m => m == "gpt-4.1"));
        // interleaved: never more than three of the heavy target in a row
        for (var i = 0; i + 4 <= models.Count; i++) Assert.Contains("gpt-5", models.Skip(i).Take(4));
    }
}
