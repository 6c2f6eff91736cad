using System.Text;

namespace Actors.Api.Logging;

/// <summary>
/// Kong's <c>logging.log_payloads</c>: the request and response bodies of a target that asks for them, for the request
/// log line. Each is kept up to <see cref="Limit"/> bytes (the rest is counted, not kept) so a large body never grows
/// a node's memory; credentials are never in them (they travel in headers or are added to the provider's copy only).
/// </summary>
public static class PayloadCapture
{
    public const int Limit = 64 * 1024;

    /// <summary>The body as text, cut at <see cref="Limit"/> bytes with a note of how much was left out.</summary>
    public static string Text(ReadOnlySpan<byte> body, long totalBytes)
    {
        var kept = body[..Math.Min(body.Length, Limit)];
        var text = Encoding.UTF8.GetString(kept);
        return totalBytes > kept.Length ? $"{text}…[{totalBytes - kept.Length} more bytes]" : text;
    }

    /// <summary>A response body stream that keeps a copy of the first <see cref="Limit"/> bytes written through it.</summary>
    public sealed class ResponseTee(Stream inner) : Stream
    {
        private readonly MemoryStream _kept = new();
        private long _total;

        public Stream Inner => inner;
        public string Text() => PayloadCapture.Text(_kept.GetBuffer().AsSpan(0, (int)_kept.Length), _total);

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            _total += bytes.Length;
            var room = Limit - (int)_kept.Length;
            if (room > 0) _kept.Write(bytes[..Math.Min(room, bytes.Length)]);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
