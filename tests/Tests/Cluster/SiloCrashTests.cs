using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.Cluster;

/// <summary>kill -9 of the silo hosting the route grain while both API nodes carry traffic.</summary>
[Trait("Category", "Cluster"), Collection(ProcessCollection.Name)]
public sealed class SiloCrashTests(ITestOutputHelper output) : ClusterProcessTest(output)
{
    public override async Task InitializeAsync() => Cluster = await LocalCluster.StartAsync(silos: 3, apis: 2);

    [Fact]
    public async Task No_request_fails_when_the_silo_hosting_the_route_grain_dies()
    {
        var apis = new[] { Started.Apis[0]!, Started.Apis[1]! };
        Assert.Equal(HttpStatusCode.OK, (await apis[0].PostConfigAsync(Started.SeedConfig)).StatusCode);
        using (var warm = await apis[1].ChatAsync("/route1")) Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var hostBefore = (string)(await apis[0].BalancerAsync("route1"))["silo"]!;
        var victim = Started.SiloIndexOf(hostBefore);
        Assert.True(victim >= 0, $"unknown silo {hostBefore}");

        var models = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        var servedAfterKill = new ConcurrentBag<double>(); // when requests sent after the kill were answered (ms on clock)
        var killedAtMs = double.MaxValue;
        using var stop = new CancellationTokenSource();
        async Task Worker(GatewayNode node)
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                var sentAtMs = clock.Elapsed.TotalMilliseconds;
                try
                {
                    using var response = await node.ChatAsync("/route1");
                    var body = await response.Content.ReadAsStringAsync();
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Add($"{(int)response.StatusCode} {body}");
                        continue;
                    }
                    models.Add((string)JsonNode.Parse(body)!["model"]!);
                    if (sentAtMs > Volatile.Read(ref killedAtMs)) servedAfterKill.Add(clock.Elapsed.TotalMilliseconds);
                }
                catch (Exception ex)
                {
                    failures.Add(ex.Message);
                }
            }
        }
        var workers = apis.SelectMany(node => Enumerable.Range(0, 4).Select(_ => Task.Run(() => Worker(node)))).ToArray();

        await Task.Delay(1500);
        var killedAt = Stopwatch.StartNew();
        Volatile.Write(ref killedAtMs, clock.Elapsed.TotalMilliseconds);
        Started.KillSilo(victim);
        var picksBeforeKill = models.Count;

        // The route has moved once its state shows another silo.
        string hostAfter = hostBefore;
        TimeSpan movedAfter = TimeSpan.Zero;
        while (killedAt.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                hostAfter = (string)(await apis[1].BalancerAsync("route1"))["silo"]!;
                if (hostAfter != hostBefore) { movedAfter = killedAt.Elapsed; break; }
            }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        await Task.Delay(3000); // keep traffic flowing on the new activation
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var gpt41 = models.Count(m => m == "gpt-4.1");
        var gpt5 = models.Count(m => m == "gpt-5");
        Output.WriteLine($"requests: {models.Count + failures.Count} ({picksBeforeKill} before the kill), failed: {failures.Count}");
        var firstAnswer = servedAfterKill.IsEmpty ? double.NaN : servedAfterKill.Min() - killedAtMs;
        Output.WriteLine($"worst latency: {latencies.Max():F0} ms; the first request sent after kill -9 was answered {firstAnswer:F0} ms after the kill; the balancer state showed the new silo after {movedAfter.TotalMilliseconds:F0} ms");
        Output.WriteLine($"split: gpt-4.1 {gpt41}, gpt-5 {gpt5}; grain moved from {hostBefore} to {hostAfter}");
        foreach (var failure in failures.Take(5)) Output.WriteLine("failure: " + failure);

        Assert.Empty(failures);
        Assert.NotEqual(hostBefore, hostAfter);
        Assert.True(models.Count > picksBeforeKill, "traffic went on after the kill");
        Assert.InRange(gpt41 - gpt5, -2, 2);
    }
}
