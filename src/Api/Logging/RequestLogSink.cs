using System.Buffers;
using System.Threading.Channels;

namespace Actors.Api.Logging;

/// <summary>
/// Writes request log lines off the request path. A request only puts its fields in a bounded queue; one writer
/// thread formats what has gathered and writes it in large writes (the console logger costs a formatted string, a
/// queue slot and one or more write system calls per line, and blocks requests when its queue is full: measured at
/// a quarter to a half of the gateway's throughput). When the queue is full the line is dropped and counted
/// (<see cref="Dropped"/>, the <c>actors_request_log_dropped</c> metric, and a notice in the log) rather than
/// making a request wait for the log.
/// </summary>
public sealed class RequestLogSink : IHostedService, IDisposable
{
    /// <summary>Lines a burst may queue while the writer is behind (~64 bytes each).</summary>
    public const int DefaultCapacity = 16 * 1024;

    /// <summary>How long the writer lets lines gather after the first one: one write per batch, not per line.</summary>
    public static readonly TimeSpan DefaultBatchDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>A batch is written once it reaches this size.</summary>
    public const int WriteBytes = 64 * 1024;

    private readonly Channel<RequestLogEntry> _queue;
    private readonly Stream _output;
    private readonly IRequestLogFormat _format;
    private readonly object _outputLock;
    private readonly TimeSpan _batchDelay;
    private readonly ArrayBufferWriter<byte> _batch = new(WriteBytes + 4096);
    private Thread? _writer;
    private long _dropped;
    private long _droppedReported;
    private volatile bool _stopping;

    /// <param name="output">Where lines go (standard output in the gateway).</param>
    /// <param name="outputLock">Held around each write; the console logger's writer, so that lines never interleave mid-line with its own.</param>
    public RequestLogSink(Stream output, IRequestLogFormat format, int capacity, TimeSpan batchDelay, object? outputLock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _output = output;
        _format = format;
        _batchDelay = batchDelay;
        _outputLock = outputLock ?? new object();
        _queue = Channel.CreateBounded<RequestLogEntry>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,   // TryWrite then answers false instead of blocking: the line is counted as dropped
        });
    }

    /// <summary>Lines dropped so far because the queue was full (or the sink stopped).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one line; never blocks. False when it was dropped.</summary>
    public bool TryWrite(in RequestLogEntry entry)
    {
        if (_queue.Writer.TryWrite(entry)) return true;
        Interlocked.Increment(ref _dropped);
        return false;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer ??= new Thread(Run) { IsBackground = true, Name = "request-log" };
        _writer.Start();
        return Task.CompletedTask;
    }

    /// <summary>Writes what is queued, then stops; lines offered afterwards are dropped.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        if (_writer is { } writer) return Task.Run(() => writer.Join(TimeSpan.FromSeconds(5)), CancellationToken.None);
        WriteQueued();   // never started: write what was queued here
        return Task.CompletedTask;
    }

    private void Run()
    {
        while (WaitForLines())
        {
            if (!_stopping) Thread.Sleep(_batchDelay);
            WriteQueued();
        }
        WriteQueued();
    }

    /// <summary>Blocks the writer thread (its own, not the thread pool's) until a line is queued; false once stopped and empty.</summary>
    private bool WaitForLines()
    {
        var waiting = _queue.Reader.WaitToReadAsync();
        return waiting.IsCompletedSuccessfully ? waiting.Result : waiting.AsTask().GetAwaiter().GetResult();
    }

    private void WriteQueued()
    {
        while (_queue.Reader.TryRead(out var entry))
        {
            _format.Write(entry, _batch);
            if (_batch.WrittenCount >= WriteBytes) Flush();
        }
        var dropped = Dropped;
        if (dropped > _droppedReported)
        {
            _format.WriteDropped(dropped - _droppedReported, _batch);
            _droppedReported = dropped;
        }
        Flush();
    }

    private void Flush()
    {
        if (_batch.WrittenCount == 0) return;
        try
        {
            lock (_outputLock)
            {
                _output.Write(_batch.WrittenSpan);
                _output.Flush();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Standard output is gone (closed pipe): nothing left to tell; the lines are lost, the requests go on.
        }
        _batch.ResetWrittenCount();
    }

    public void Dispose() => _queue.Writer.TryComplete();
}
