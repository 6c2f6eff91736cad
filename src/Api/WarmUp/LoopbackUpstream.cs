using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Actors.Api.WarmUp;

/// <summary>
/// A stand-in provider on a loopback port for warming the request path: answers every HTTP/1.1 request with a canned
/// chat completion on a kept-alive connection. Knows just enough HTTP for the gateway's own client.
/// </summary>
public sealed class LoopbackUpstream : IAsyncDisposable
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-warmup","object":"chat.completion","created":0,"model":"warmup","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""");
    private static readonly byte[] Response = [.. Encoding.ASCII.GetBytes(
        $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\n\r\n"), .. Body];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _answered;

    public LoopbackUpstream()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri ChatUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1/chat/completions");

    public int Answered => Volatile.Read(ref _answered);

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true) connections.Add(ServeAsync(await _listener.AcceptSocketAsync(_stop.Token)));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        var buffer = new byte[16 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == buffer.Length) return;   // headers larger than a warm-up request has
                    var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                    if (read == 0) return;
                    filled += read;
                }
                var total = end + 4 + ContentLength(buffer.AsSpan(0, end));
                if (total > buffer.Length) return;
                while (filled < total)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                    if (read == 0) return;
                    filled += read;
                }
                // counted before the write: a client that reads the answer must already see it counted
                Interlocked.Increment(ref _answered);
                await stream.WriteAsync(Response, _stop.Token);
                buffer.AsSpan(total, filled - total).CopyTo(buffer);
                filled -= total;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
            // the client or the warm-up went away
        }
    }

    private static int ContentLength(ReadOnlySpan<byte> headers)
    {
        foreach (var line in Encoding.ASCII.GetString(headers).Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) return int.Parse(line.AsSpan(15).Trim());
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
