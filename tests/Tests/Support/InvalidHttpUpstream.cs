using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Actors.Tests.Support;

/// <summary>
/// A loopback TCP server that reads each request whole and answers with a response that is not valid HTTP (a
/// header line without a colon): nginx's <c>invalid_header</c>. Kestrel cannot be made to write one.
/// </summary>
public sealed class InvalidHttpUpstream : IAsyncDisposable
{
    private static readonly byte[] Answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nthis line is not a header\r\nContent-Length: 2\r\n\r\n{}");
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public InvalidHttpUpstream()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1/chat/completions";
        _accepting = AcceptAsync();
    }

    public string Url { get; }
    public int RequestCount => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = AnswerAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var received = new StringBuilder();
            var buffer = new byte[8192];
            // the headers, then Content-Length bytes of body: the request is wholly sent before the answer
            while (!IsComplete(received.ToString()))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            Interlocked.Increment(ref _requests);
            await stream.WriteAsync(Answer, _stop.Token);
        }
    }

    private static bool IsComplete(string request)
    {
        var end = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        var length = request[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is null || request.Length - end - 4 >= int.Parse(length["Content-Length:".Length..].Trim());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
