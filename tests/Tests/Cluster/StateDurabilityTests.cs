using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Actors.Api.Proxy;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.Cluster;

/// <summary>
/// State that survives: crashes followed by a full restart, a stalled Redis, and a Redis that comes back empty,
/// with real silo and API processes on a real redis-server.
/// </summary>
[Trait("Category", "Cluster"), Collection(ProcessCollection.Name)]
public sealed class StateDurabilityTests(ITestOutputHelper output) : ClusterProcessTest(output)
{
    private static async Task<string> ModelOfAsync(GatewayNode node)
    {
        using var response = await node.ChatAsync("/route1");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (string)JsonNode.Parse(body)!["model"]!;
    }

    /// <summary>
    /// Polls until the cluster serves /route1 again: a success whose target the route grain picked, not one the API
    /// node picked on its own while the grain could not be reached. Returns how long that took.
    /// </summary>
    private static async Task<TimeSpan> FirstSuccessAsync(GatewayNode node, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            try
            {
                using var response = await node.ChatAsync("/route1");
                if (response.StatusCode == HttpStatusCode.OK && !response.Headers.Contains(ProxyHandler.LocalPickHeader)) return watch.Elapsed;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"/route1 did not answer 200 within {limit}");
    }

    private Task<string> StoredAsync(string keyPart) => Cluster!.Redis.StoredStateAsync(keyPart);

    /// <summary>The seed config with a second route, route2, a copy of route1 (the routes list ends the file).</summary>
    private string SeedWithTwoRoutes()
    {
        var seed = Cluster!.SeedConfig;
        var route = seed[seed.IndexOf("  - name: route1", StringComparison.Ordinal)..];
        return seed + route.Replace("route1", "route2").Replace("ai-proxy-advanced1", "ai-proxy-advanced2");
    }

    [Fact]
    public async Task A_full_restart_after_a_crash_and_a_reactivation_keeps_every_route()
    {
        Cluster = await LocalCluster.StartAsync(silos: 2, apis: 1);
        var api = Cluster.Apis[0]!;
        Assert.Equal(HttpStatusCode.OK, (await api.PostConfigAsync(SeedWithTwoRoutes())).StatusCode);
        for (var i = 0; i < 3; i++) await ModelOfAsync(api);
        using (var route2 = await api.ChatAsync("/route2")) Assert.Equal(HttpStatusCode.OK, route2.StatusCode);

        // the silo hosting route1 dies; the grain reactivates on the other one and goes on serving
        var host = Cluster.SiloIndexOf((string)(await api.BalancerAsync("route1"))["silo"]!);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the route's first checkpoint (a crash loses at most one interval)
        Cluster.KillSilo(host);
        Output.WriteLine($"first success after the crash: {(await FirstSuccessAsync(api, TimeSpan.FromSeconds(20))).TotalMilliseconds:F0} ms");
        await ModelOfAsync(api);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a checkpoint of the reactivated grain

        await Cluster.KillAllAsync();
        var stored = await StoredAsync("route1");
        Output.WriteLine("stored route state: " + stored);
        // route2's record becomes what the previous version wrote: CLR type names this build cannot resolve
        await Cluster.Redis.OverwriteStoredStateAsync("route2", """{"$id":"1","$type":"Actors.Grains.Routes.RouteGrainState, Actors.Grains","Spec":{"Balancer":{"FailoverCriteria":{"$type":"<>z__ReadOnlyArray`1[[System.String]]","$values":["error"]}}}}""");
        await Cluster.StartAllAsync();

        var back = await FirstSuccessAsync(Cluster.Apis[0]!, TimeSpan.FromSeconds(30));
        Output.WriteLine($"first success after the full restart: {back.TotalMilliseconds:F0} ms after the nodes were up");
        using (var route2 = await Cluster.Apis[0]!.ChatAsync("/route2"))
            Assert.True(route2.StatusCode == HttpStatusCode.OK, "an unreadable record must not take its route down: " + await route2.Content.ReadAsStringAsync());
        Assert.Contains("\"model_name\":\"gpt-5\"", stored);
        Assert.DoesNotContain("$type", stored);
        Assert.DoesNotContain("<>", stored);
        var state = await Cluster.Apis[0]!.BalancerAsync("route1");
        // 3 before the crash (restored by the reactivated grain), the grain's first answer after it, 1 more, and the
        // first after the restart; one of them may still be a local pick. Counters started over would give at most 3.
        Assert.True((long)state["cursor"]! >= 5, state.ToJsonString());
        Assert.Equal(1, (long)(await Cluster.Apis[0]!.AdminJsonAsync("/config"))["version"]!);
    }

    [Fact]
    public async Task A_stalled_redis_never_holds_up_a_request_and_storage_catches_up_by_itself()
    {
        Cluster = await LocalCluster.StartAsync(silos: 1, apis: 1);
        var api = Cluster.Apis[0]!;
        Assert.Equal(HttpStatusCode.OK, (await api.PostConfigAsync(Cluster.SeedConfig)).StatusCode);
        await ModelOfAsync(api);

        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        async Task Client()
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await api.ChatAsync("/route1");
                    if (response.StatusCode != HttpStatusCode.OK) failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                catch (Exception ex) { failures.Add(ex.Message); }
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                await Task.Delay(20);
            }
        }
        var clients = Enumerable.Range(0, 4).Select(_ => Client()).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1));

        Cluster.Redis.Pause();
        var stalled = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(3));
        // a config change while Redis is stalled cannot be stored: refused, and not applied anywhere
        using var refused = await api.PostConfigAsync(Cluster.SeedConfig.Replace("gpt-5", "gpt-5-mini"));
        var stall = TimeSpan.FromSeconds(15) - stalled.Elapsed;
        if (stall > TimeSpan.Zero) await Task.Delay(stall);
        Cluster.Redis.Resume();
        await Task.Delay(TimeSpan.FromSeconds(2));
        stop.Cancel();
        await Task.WhenAll(clients);

        var ordered = latencies.Order().ToArray();
        Output.WriteLine($"{ordered.Length} requests, {failures.Count} failed, p50 {ordered[ordered.Length / 2]:F1} ms, max {ordered[^1]:F0} ms; config POST during the stall: {(int)refused.StatusCode}");
        foreach (var failure in failures.Distinct().Take(5)) Output.WriteLine("failed: " + failure);
        Assert.Empty(failures);
        // Before picks stopped waiting on Redis, a stall held requests for the Redis client's 5 s timeout.
        Assert.True(ordered[^1] < 3000, $"slowest request {ordered[^1]:F0} ms");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        // Storage catches up by itself: the refused config never surfaces, the next one is taken, and checkpoints resume.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, (long)(await api.AdminJsonAsync("/config"))["version"]!);
        Assert.DoesNotContain("gpt-5-mini", await StoredAsync("config"));
        using var accepted = await api.PostConfigAsync(Cluster.SeedConfig.Replace("gpt-5", "gpt-5-nano"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        for (var i = 0; i < 4; i++) await ModelOfAsync(api);
        var watch = Stopwatch.StartNew();
        string stored;
        while (!(stored = await StoredAsync("route1")).Contains("gpt-5-nano") || !stored.Contains("\"picks\":2"))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the route's checkpoint never reached Redis: " + stored);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task After_redis_loses_its_data_routes_come_back_with_their_config_and_versions_never_go_back()
    {
        Cluster = await LocalCluster.StartAsync(silos: 1, apis: 1);
        var api = Cluster.Apis[0]!;
        Assert.Equal(HttpStatusCode.OK, (await api.PostConfigAsync(Cluster.SeedConfig)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostConfigAsync(Cluster.SeedConfig.Replace("gpt-5", "gpt-5-mini"))).StatusCode);
        Assert.Equal("gpt-4.1", await ModelOfAsync(api));

        var watch = Stopwatch.StartNew();
        await Cluster.Redis.RestartEmptyAsync();
        // the silo finds its membership table gone and stops; a supervisor (here: the test) starts it again
        var exitCode = await Cluster.Silos[0]!.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var stoppedAfter = watch.Elapsed;
        await Cluster.Silos[0]!.DisposeAsync();
        Cluster.Silos[0] = null;
        await Cluster.StartAllAsync();
        var back = await FirstSuccessAsync(api, TimeSpan.FromSeconds(30));
        Output.WriteLine($"silo stopped with {exitCode} {stoppedAfter.TotalSeconds:F1} s after Redis lost its data; " +
            $"route1 answered again {(watch.Elapsed).TotalSeconds:F1} s after the data loss ({back.TotalMilliseconds:F0} ms after the silo was up)");

        Assert.Equal(75, exitCode);
        // the config it had (version 2), nobody posted it again
        Assert.Equal(["gpt-4.1", "gpt-5-mini"], new[] { await ModelOfAsync(api), await ModelOfAsync(api) }.Order());
        Assert.Equal(2, (long)(await api.AdminJsonAsync("/config"))["version"]!);
        using var next = await api.PostConfigAsync(Cluster.SeedConfig.Replace("gpt-5", "gpt-5-nano"));
        Assert.Equal(3, (long)JsonNode.Parse(await next.Content.ReadAsStringAsync())!["version"]!);
        Assert.Contains("gpt-5-nano", await StoredAsync("config"));
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync(api.AdminUrl + "/readyz")).StatusCode);
    }
}
