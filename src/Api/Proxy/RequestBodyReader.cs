using System.Buffers;
using CommunityToolkit.HighPerformance.Buffers;

namespace Actors.Api.Proxy;

/// <summary>A read body (the caller disposes it), or why there is none.</summary>
public readonly record struct RequestBody(ArrayPoolBufferWriter<byte>? Bytes, ProxyAnswer? Refusal);

/// <summary>
/// Step 3 (Read) of the pipeline (<see cref="ProxyHandler"/>): the whole body, at most the route's limit (<see cref="Routing.RequestBodyLimit"/>),
/// and within the request's deadline (<c>Gateway:RequestDeadline</c> from its arrival), so a client that drips its
/// body cannot hold a request open longer than the deadline.
/// </summary>
public static class RequestBodyReader
{
    public static async Task<RequestBody> ReadAsync(HttpRequest request, int limit, DateTimeOffset deadline, TimeSpan deadlineSetting, TimeProvider time)
    {
        if (request.ContentLength > limit) return TooLarge(limit);
        if (TryTakeBuffered(request) is { } buffered) return new RequestBody(buffered, null);
        var aborted = request.HttpContext.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(TimeSpan.FromTicks(Math.Max(0, (deadline - time.GetUtcNow()).Ticks)));
        var body = new ArrayPoolBufferWriter<byte>(request.ContentLength is { } length ? (int)length + 1 : 4096);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(body.GetMemory(1), timeout.Token)) > 0)
            {
                body.Advance(read);
                if (body.WrittenCount > limit)
                {
                    body.Dispose();
                    return TooLarge(limit);
                }
            }
            return new RequestBody(body, null);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            body.Dispose();
            return new RequestBody(null, new ProxyAnswer(ProxyOutcome.BodyTimedOut, deadlineSetting.ToString()));
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A small body usually arrives with the headers and is in the connection's buffer already: taken from there
    /// without arming a deadline timer (a timer per request is measurable on the hot path).
    /// </summary>
    private static ArrayPoolBufferWriter<byte>? TryTakeBuffered(HttpRequest request)
    {
        if (request.ContentLength is not (> 0 and var length) || !request.BodyReader.TryRead(out var result)) return null;
        var buffer = result.Buffer;
        if (buffer.Length < length)
        {
            request.BodyReader.AdvanceTo(buffer.Start, buffer.Start); // leave it for the reads below
            return null;
        }
        var body = new ArrayPoolBufferWriter<byte>((int)length);
        foreach (var segment in buffer.Slice(0, length)) body.Write(segment.Span);
        request.BodyReader.AdvanceTo(buffer.GetPosition(length));
        return body;
    }

    private static RequestBody TooLarge(int limit) =>
        new(null, new ProxyAnswer(ProxyOutcome.BodyTooLarge, limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
