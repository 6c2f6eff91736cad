using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Actors.Grains.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Actors.Benchmarks;

/// <summary>
/// How many picks one route grain sustains: many concurrent callers, each doing what a proxied request does
/// (one awaited <c>Pick</c>, then a one-way <c>Report</c>), against a single route. Run twice: callers in the
/// silo's own process (the API's embedded mode) and callers in an Orleans client over loopback TCP (an API node in
/// cluster mode). Prints picks/s, call latency percentiles and whether the split stayed exact.
/// </summary>
public static class GrainPickThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 10;
        var callers = args.Length > 1 && int.TryParse(args[1], out var c) ? c : 256;
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        using var silo = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Error))
            .UseOrleans((context, builder) => builder.UseActorsSilo(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cluster:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Cluster:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }).Build()))
            .Build();
        await silo.StartAsync();

        using var client = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Error))
            .UseOrleansClient(builder => builder.UseLocalhostClustering(gatewayPort, serviceId: "actors", clusterId: "actors"))
            .Build();
        await client.StartAsync();

        Console.WriteLine($"one route grain, {callers} concurrent callers, {seconds} s per run (after a {WarmupSeconds} s warm-up), {Environment.ProcessorCount} cores");
        Console.WriteLine("| where the callers run | picks/s | p50 µs | p99 µs | split |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        await MeasureAsync("in the silo's process (embedded mode)", silo.Services.GetRequiredService<IGrainFactory>(), "co-hosted", seconds, callers);
        await MeasureAsync("Orleans client over loopback TCP (cluster mode)", client.Services.GetRequiredService<IClusterClient>(), "client", seconds, callers);

        await client.StopAsync();
        await silo.StopAsync();
        return 0;
    }

    private const int WarmupSeconds = 5;

    private static async Task MeasureAsync(string label, IGrainFactory grains, string route, int seconds, int callers)
    {
        var grain = grains.GetGrain<IRouteGrain>(route);
        const string revision = "bench";
        await grain.Configure(new RouteSpec
        {
            Name = route,
            Paths = ["/" + route],
            Revision = revision,
            Targets = [new TargetSpec { Provider = "openai", ModelName = "a", Weight = 100 }, new TargetSpec { Provider = "openai", ModelName = "b", Weight = 100 }],
        });

        await RunCallersAsync(grain, revision, TimeSpan.FromSeconds(WarmupSeconds), callers, latencies: null);
        var before = await grain.GetState();
        var latencies = new List<long>[callers];
        var started = Stopwatch.GetTimestamp();
        var picks = await RunCallersAsync(grain, revision, TimeSpan.FromSeconds(seconds), callers, latencies);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = await grain.GetState();

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[(int)Math.Min(all.Length - 1, p * all.Length)] * 1_000_000.0 / Stopwatch.Frequency;
        var shares = after.Targets.Zip(before.Targets, (a, b) => a.Picks - b.Picks).ToArray();
        // Every pick of the measured window has returned before the second snapshot, so equal weights split within one.
        var exact = Math.Abs(shares[0] - shares[1]) <= 1 ? "exact (" + string.Join(" / ", shares) + ")" : "UNEVEN (" + string.Join(" / ", shares) + ")";
        Console.WriteLine($"| {label} | {picks / elapsed:F0} | {Percentile(0.5):F0} | {Percentile(0.99):F0} | {exact} |");
    }

    private static async Task<long> RunCallersAsync(IRouteGrain grain, string revision, TimeSpan duration, int callers, List<long>[]? latencies)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = new long[callers];
        await Task.WhenAll(Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            var mine = latencies is null ? null : latencies[i] = new List<long>(64 * 1024);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                var pick = await grain.Pick(0, null);
                mine?.Add(Stopwatch.GetTimestamp() - start);
                _ = grain.Report([new TargetOutcome(revision, pick.TargetIndex, true, 1, 10, 10)]);
                counts[i]++;
            }
        })));
        return counts.Sum();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
