using System.Net;
using System.Net.Http.Headers;

namespace Actors.Api.Forwarding;

/// <summary>The rewritten request body, sent within the route's <c>write_timeout</c>.</summary>
public sealed class RequestBodyContent : HttpContent
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly ReadOnlyMemory<byte> _body;
    private readonly TimeSpan _writeTimeout;
    private readonly Action _sent;

    /// <param name="sent">Called once the body is on the wire: the read timeout starts then.</param>
    /// <param name="contentType">The body's media type; JSON unless given.</param>
    public RequestBodyContent(ReadOnlyMemory<byte> body, TimeSpan writeTimeout, Action sent, string? contentType = null)
    {
        _body = body;
        _writeTimeout = writeTimeout;
        _sent = sent;
        if (contentType is null) Headers.ContentType = Json;
        else Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    /// <summary>Set when sending the body ran out of time, so the caller can tell a write timeout from other errors.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>
    /// Set once the connection is open and the request is going out (headers written, body starting): nginx's
    /// <c>request_sent</c>. A failure before it (refused, reset while connecting, connect timeout, TLS) never reached the provider.
    /// </summary>
    public bool Started { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Started = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_writeTimeout);
        try
        {
            await stream.WriteAsync(_body, timeout.Token);
            await stream.FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            TimedOut = true;
            throw new TimeoutException("write_timeout elapsed while sending the request");
        }
        _sent();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
