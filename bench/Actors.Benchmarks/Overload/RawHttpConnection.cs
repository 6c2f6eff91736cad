using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Actors.Benchmarks.Overload;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends prepared request bytes and reads the response just far enough to
/// know its status and where it ends (Content-Length, chunked, or close). Costs a few system calls per request, so
/// the load program can offer several times what the server takes on the same cores, which HttpClient could not.
/// </summary>
public sealed class RawHttpConnection(EndPoint server) : IDisposable
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Socket? _socket;
    private int _start;
    private int _end;
    private bool _closeAfter;

    public async Task OpenAsync(CancellationToken cancel)
    {
        _socket?.Dispose();
        _socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await _socket.ConnectAsync(server, cancel);
        _start = _end = 0;
        _closeAfter = false;
    }

    /// <summary>Sends one request and reads its whole response; returns its status and whether it had Retry-After. Throws when the connection fails.</summary>
    public async Task<(int Status, bool RetryAfter)> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancel)
    {
        if (_socket is null || _closeAfter) await OpenAsync(cancel);
        await _socket!.SendAsync(request, SocketFlags.None, cancel);
        var headerEnd = await FindAsync(HeadEnd, cancel);
        var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd - _start).ToLowerInvariant();
        _start = headerEnd + 4;
        var status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        _closeAfter = head.Contains("\r\nconnection: close", StringComparison.Ordinal);
        if (head.Contains("\r\ntransfer-encoding: chunked", StringComparison.Ordinal)) await SkipChunkedAsync(cancel);
        else if (LengthOf(head) is { } length) await SkipAsync(length, cancel);
        else if (status is not (204 or 304)) { while (await FillAsync(cancel)) _start = _end; _closeAfter = true; }
        return (status, head.Contains("\r\nretry-after:", StringComparison.Ordinal));
    }

    private static long? LengthOf(string head)
    {
        var at = head.IndexOf("\r\ncontent-length:", StringComparison.Ordinal);
        if (at < 0) return null;
        var from = at + "\r\ncontent-length:".Length;
        var to = head.IndexOf('\r', from);
        return long.Parse(head.AsSpan(from, (to < 0 ? head.Length : to) - from).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task SkipChunkedAsync(CancellationToken cancel)
    {
        while (true)
        {
            var lineEnd = await FindAsync(LineEnd, cancel);
            var line = Encoding.ASCII.GetString(_buffer, _start, lineEnd - _start);
            _start = lineEnd + 2;
            var size = Convert.ToInt64(line.Split(';')[0].Trim(), 16);
            if (size == 0) break;
            await SkipAsync(size + 2, cancel);
        }
        // trailers, if any, then the empty line that ends the message
        while (true)
        {
            var lineEnd = await FindAsync(LineEnd, cancel);
            var empty = lineEnd == _start;
            _start = lineEnd + 2;
            if (empty) return;
        }
    }

    private async Task SkipAsync(long count, CancellationToken cancel)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancel)) throw new IOException("connection closed in a response body");
            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    /// <summary>Index where <paramref name="marker"/> starts in the unread bytes, receiving more until it is there.</summary>
    private async Task<int> FindAsync(byte[] marker, CancellationToken cancel)
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(marker);
            if (at >= 0) return _start + at;
            if (!await FillAsync(cancel)) throw new IOException("connection closed before a full response");
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancel)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) throw new IOException("response head larger than the buffer");
        var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancel);
        _end += read;
        return read > 0;
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
    }
}
