using System.Text;
using Actors.Api.Logging;

namespace Actors.Tests.Logging;

public class RequestLogSinkTests
{
    private static RequestLogEntry Line(int n) => new($"id{n}", "r0", "-", "openai/gpt-4.1", 200, 1.5, 1, 15, 12);

    private static string[] RequestIds(string text) =>
        [.. text.Split('\n').Where(l => l.StartsWith("      proxied ", StringComparison.Ordinal)).Select(l => l.Split(' ')[7])];

    [Fact]
    public async Task A_full_queue_drops_and_counts_lines_instead_of_waiting_then_says_so_in_the_log()
    {
        var output = new MemoryStream();
        var sink = new RequestLogSink(output, new PlainRequestLogFormat(), capacity: 3, TimeSpan.Zero);

        var accepted = Enumerable.Range(0, 5).Select(n => sink.TryWrite(Line(n))).ToArray();
        await sink.StopAsync(CancellationToken.None);

        Assert.Equal([true, true, true, false, false], accepted);
        Assert.Equal(2, sink.Dropped);
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(["id0", "id1", "id2"], RequestIds(text));
        Assert.EndsWith("warn: Actors.Api.Proxy.ProxyHandler[2]\n      2 request log lines dropped: the log writer fell behind (actors_request_log_dropped_total)\n", text);
    }

    [Fact]
    public async Task A_stuck_output_never_holds_up_the_caller()
    {
        using var output = new GatedStream();
        var sink = new RequestLogSink(output, new PlainRequestLogFormat(), capacity: 4, TimeSpan.Zero);
        await sink.StartAsync(CancellationToken.None);

        sink.TryWrite(Line(0));
        Assert.True(output.Entered.Wait(TimeSpan.FromSeconds(30)), "the writer never wrote");   // now stuck in Write
        var accepted = Enumerable.Range(1, 10).Count(n => sink.TryWrite(Line(n)));   // returns although the output is stuck

        Assert.Equal(4, accepted);
        Assert.Equal(6, sink.Dropped);
        output.Open.Set();
        await sink.StopAsync(CancellationToken.None);
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(["id0", "id1", "id2", "id3", "id4"], RequestIds(text));
        Assert.Contains("6 request log lines dropped", text);
    }

    [Fact]
    public async Task Lines_come_out_in_order_in_few_large_writes()
    {
        var output = new CountingStream();
        var sink = new RequestLogSink(output, new PlainRequestLogFormat(), capacity: 5000, TimeSpan.Zero);
        for (var n = 0; n < 3000; n++) Assert.True(sink.TryWrite(Line(n)));

        await sink.StartAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 3000).Select(n => $"id{n}"), RequestIds(Encoding.UTF8.GetString(output.ToArray())));
        Assert.Equal(0, sink.Dropped);
        var largest = (output.Length + RequestLogSink.WriteBytes - 1) / RequestLogSink.WriteBytes;
        Assert.InRange(output.Writes, 1, largest + 1);   // ~170 bytes a line: 3,000 lines in a handful of writes, not 3,000
    }

    [Fact]
    public async Task Lines_offered_after_stop_are_counted_as_dropped()
    {
        var sink = new RequestLogSink(new MemoryStream(), new PlainRequestLogFormat(), capacity: 10, TimeSpan.Zero);
        await sink.StartAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);

        Assert.False(sink.TryWrite(Line(0)));
        Assert.Equal(1, sink.Dropped);
    }

    /// <summary>A stream whose writes wait until <see cref="Open"/> is set.</summary>
    private sealed class GatedStream : MemoryStream
    {
        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Open { get; } = new();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Entered.Set();
            Open.Wait();
            base.Write(buffer);
        }
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            base.Write(buffer);
        }
    }
}
