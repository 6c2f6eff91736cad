using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Actors.Benchmarks.Support;

namespace Actors.Benchmarks.Overload;

/// <summary>
/// Open-loop load (what wrk2 does): requests fall due on a fixed schedule of <c>--rate</c> per second whether or
/// not earlier ones were answered, and <c>--connections</c> keep-alive connections take them in turn (a request due
/// while every connection is busy waits for one). Latency is counted from each request's scheduled time, so a server
/// that falls behind shows its queue instead of slowing the client down. Prints one table row: the rate offered and
/// answered, how many answers had which status, latency percentiles.
/// </summary>
public static class OpenLoopLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var url = new Uri(options.Text("url"));
        var rate = options.Double("rate", 1000);
        var seconds = options.Int("seconds", 10);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-s", 30));
        var request = RequestBytes(url, LoadClient.ChatBody);
        var server = new IPEndPoint(IPAddress.Parse(url.Host), url.Port);

        var connections = new RawHttpConnection[options.Int("connections", 512)];
        for (var i = 0; i < connections.Length; i++)
        {
            connections[i] = new RawHttpConnection(server);
            await connections[i].OpenAsync(CancellationToken.None);
        }
        // one second at a third of the rate first, so that the load program's own JIT is not in the figures
        await RunScheduleAsync(connections, request, rate / 3, 1, timeout);
        var (run, took) = await RunScheduleAsync(connections, request, rate, seconds, timeout);
        run.Print(options.Text("label", url.ToString()), rate, took);
        foreach (var connection in connections) connection.Dispose();
        return 0;
    }

    private static async Task<(LoadRun Run, TimeSpan Took)> RunScheduleAsync(RawHttpConnection[] connections, byte[] request,
        double rate, int seconds, TimeSpan timeout)
    {
        var run = new LoadRun((int)(rate * seconds));
        var due = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleWriter = true });
        var started = Stopwatch.GetTimestamp();
        long Scheduled(int index) => started + (long)(index * Stopwatch.Frequency / rate);
        var workers = connections.Select(c => WorkAsync(c, due.Reader, request, run, Scheduled, timeout)).ToArray();
        await PaceAsync(due.Writer, run.Count, rate, started);
        await Task.WhenAll(workers);
        return (run, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Releases each request index when its time comes (checked every millisecond).</summary>
    private static async Task PaceAsync(ChannelWriter<int> due, int count, double rate, long started)
    {
        for (var next = 0; next < count;)
        {
            var now = Math.Min(count, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate) + 1);
            for (; next < now; next++) due.TryWrite(next);
            await Task.Delay(1);
        }
        due.Complete();
    }

    private static async Task WorkAsync(RawHttpConnection connection, ChannelReader<int> due, byte[] request, LoadRun run,
        Func<int, long> scheduled, TimeSpan timeout)
    {
        var deadline = new CancellationTokenSource();
        await foreach (var index in due.ReadAllAsync())
        {
            if (!deadline.TryReset())
            {
                deadline.Dispose();
                deadline = new CancellationTokenSource();
            }
            deadline.CancelAfter(timeout);
            try
            {
                var (status, retryAfter) = await connection.ExchangeAsync(request, deadline.Token);
                run.Record(index, status, scheduled(index), retryAfter);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or FormatException)
            {
                run.Record(index, LoadRun.NoAnswer, scheduled(index), retryAfter: false);
                connection.Dispose(); // the next request reconnects
            }
        }
        deadline.Dispose();
    }

    private static byte[] RequestBytes(Uri url, string body)
    {
        var content = Encoding.UTF8.GetBytes(body);
        var head = $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {content.Length}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. content];
    }
}
