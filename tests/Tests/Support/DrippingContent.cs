using System.Net;
using System.Text;

namespace Actors.Tests.Support;

/// <summary>A request body sent one byte at a time, a pause between bytes: a slow or hostile client.</summary>
public sealed class DrippingContent(string body, TimeSpan pause) : HttpContent
{
    private readonly byte[] _bytes = Encoding.UTF8.GetBytes(body);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var b in _bytes)
        {
            await stream.WriteAsync(new[] { b }, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await Task.Delay(pause, cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _bytes.Length;
        return true;
    }
}
