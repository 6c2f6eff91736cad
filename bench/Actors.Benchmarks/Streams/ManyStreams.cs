using System.Diagnostics;
using System.Globalization;
using System.Text;
using Actors.Benchmarks.Support;

namespace Actors.Benchmarks.Streams;

/// <summary>
/// Many slow streams at once: <c>--count</c> streaming requests (default 2,000), started evenly over
/// <c>--ramp-ms</c> so the accept queues keep up, first straight to the slow upstream and then through the gateway.
/// Prints whether every stream completed, time to first body byte, and (with <c>--pid</c>) the gateway's resident
/// memory per open stream: peak while the streams are open minus the idle process, divided by the count.
/// </summary>
public static class ManyStreams
{
    private sealed record StreamResult(bool Completed, double FirstByteMs, double TotalMs);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var gateway = options.Text("gateway");
        var direct = options.Text("direct");
        var count = options.Int("count", 2000);
        var events = options.Int("events", 20);
        var ramp = TimeSpan.FromMilliseconds(options.Int("ramp-ms", 1000));
        var pid = options.Int("pid", 0);
        using var client = LoadClient.Create(TimeSpan.FromSeconds(60));

        var warmup = Math.Min(200, count);
        await RunAllAsync(client, direct, warmup, events, ramp / 5);
        await RunAllAsync(client, gateway, warmup, events, ramp / 5);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Console.WriteLine($"{count} concurrent streams of {events} events, started over {ramp.TotalMilliseconds} ms");
        Console.WriteLine("| path | streams completed | first byte p50 | first byte p99 | stream time p50 | stream time max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Print("slow upstream directly", await RunAllAsync(client, direct, count, events, ramp));
        var (results, idle, peak) = await MeasureWithMemoryAsync(pid, () => RunAllAsync(client, gateway, count, events, ramp));
        Print("through the gateway", results);
        if (pid > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"memory per open stream: {(peak - idle) / (double)count:F1} KiB (gateway resident set idle {idle / 1024} MiB, peak with {count} open {peak / 1024} MiB)"));
        }
        return results.All(r => r.Completed) ? 0 : 1;
    }

    /// <summary>Runs the streams while sampling the process's resident set; without a pid, memory reads 0.</summary>
    private static async Task<(StreamResult[] Results, long IdleKiB, long PeakKiB)> MeasureWithMemoryAsync(int pid, Func<Task<StreamResult[]>> streams)
    {
        if (pid <= 0) return (await streams(), 0, 0);
        var idle = ProcessMemory.ResidentKiB(pid);
        using var stop = new CancellationTokenSource();
        var peak = ProcessMemory.PeakWhileAsync(pid, TimeSpan.FromMilliseconds(50), stop.Token);
        var results = await streams();
        await stop.CancelAsync();
        return (results, idle, await peak);
    }

    private static async Task<StreamResult[]> RunAllAsync(HttpClient client, string url, int count, int events, TimeSpan ramp)
    {
        var started = Stopwatch.GetTimestamp();
        var streams = new Task<StreamResult>[count];
        for (var i = 0; i < count; i++)
        {
            var due = ramp * i / count;
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            streams[i] = OneAsync(client, url, events);
        }
        return await Task.WhenAll(streams);
    }

    private static async Task<StreamResult> OneAsync(HttpClient client, string url, int events)
    {
        var started = Stopwatch.GetTimestamp();
        var firstByte = double.NaN;
        try
        {
            using var request = LoadClient.Post(url, LoadClient.StreamingChatBody);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var received = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                if (double.IsNaN(firstByte)) firstByte = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                received.Write(buffer, 0, read);
            }
            var text = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
            var complete = response.IsSuccessStatusCode && text.TrimEnd().EndsWith("data: [DONE]", StringComparison.Ordinal)
                && CountOf(text, "data: ") >= events + 1;
            return new StreamResult(complete, firstByte, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return new StreamResult(false, firstByte, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static void Print(string label, StreamResult[] results)
    {
        var firstByte = new Percentiles(results.Where(r => !double.IsNaN(r.FirstByteMs)).Select(r => r.FirstByteMs));
        var total = new Percentiles(results.Select(r => r.TotalMs));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {results.Count(r => r.Completed)}/{results.Length} | {firstByte.At(0.5):F1} ms | {firstByte.At(0.99):F1} ms | {total.At(0.5):F0} ms | {total.Max:F0} ms |"));
    }
}
