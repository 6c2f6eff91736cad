using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Actors.Api.Providers.Bedrock;

/// <summary>One message of AWS's binary event stream: its string headers (<c>:event-type</c>, ...) and payload.</summary>
public sealed record AwsEvent(IReadOnlyDictionary<string, string> Headers, byte[] Payload)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

/// <summary>
/// Reads <c>application/vnd.amazon.eventstream</c> from bytes in arbitrary chunks: each message is a 12-byte prelude
/// (total length, headers length, CRC32 of the two), headers, payload, and a CRC32 of everything before it.
/// </summary>
public sealed class AwsEventStreamReader
{
    /// <summary>AWS caps a message at 16 MiB; anything larger is a broken stream.</summary>
    public const int MaxMessage = 16 << 20;
    private const int PreludeLength = 12, CrcLength = 4;

    private byte[] _buffer = new byte[4096];
    private int _count;

    /// <summary>Set when the bytes broke the framing (bad length or checksum); nothing more is read.</summary>
    public string? Problem { get; private set; }

    public void Feed(ReadOnlySpan<byte> bytes, Action<AwsEvent> onEvent)
    {
        if (Problem is not null) return;
        Append(bytes);
        var offset = 0;
        while (Problem is null && _count - offset >= PreludeLength)
        {
            var message = _buffer.AsSpan(offset, _count - offset);
            var total = BinaryPrimitives.ReadInt32BigEndian(message);
            var headersLength = BinaryPrimitives.ReadInt32BigEndian(message[4..]);
            if (Crc32.HashToUInt32(message[..8]) != BinaryPrimitives.ReadUInt32BigEndian(message[8..])
                || total < PreludeLength + CrcLength || total > MaxMessage || headersLength < 0 || headersLength > total - PreludeLength - CrcLength)
            {
                Problem = "the event stream's framing is broken";
                break;
            }
            if (message.Length < total) break;
            message = message[..total];
            if (Crc32.HashToUInt32(message[..^CrcLength]) != BinaryPrimitives.ReadUInt32BigEndian(message[^CrcLength..]))
            {
                Problem = "an event stream message failed its checksum";
                break;
            }
            var headers = ReadHeaders(message.Slice(PreludeLength, headersLength));
            if (headers is null)
            {
                Problem = "an event stream message has malformed headers";
                break;
            }
            onEvent(new AwsEvent(headers, message[(PreludeLength + headersLength)..^CrcLength].ToArray()));
            offset += total;
        }
        _buffer.AsSpan(offset, _count - offset).CopyTo(_buffer);
        _count -= offset;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_count + bytes.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + bytes.Length));
        bytes.CopyTo(_buffer.AsSpan(_count));
        _count += bytes.Length;
    }

    /// <summary>Header values of type string (7) are kept; the other types are skipped by their sizes.</summary>
    private static Dictionary<string, string>? ReadHeaders(ReadOnlySpan<byte> data)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!data.IsEmpty)
        {
            var nameLength = data[0];
            if (data.Length < 2 + nameLength) return null;
            var name = Encoding.UTF8.GetString(data.Slice(1, nameLength));
            var type = data[1 + nameLength];
            data = data[(2 + nameLength)..];
            int size = type switch { 0 or 1 => 0, 2 => 1, 3 => 2, 4 => 4, 5 or 8 => 8, 9 => 16, 6 or 7 => -1, _ => -2 };
            if (size == -2) return null;
            if (size == -1)
            {
                if (data.Length < 2) return null;
                size = 2 + BinaryPrimitives.ReadUInt16BigEndian(data);
            }
            if (data.Length < size) return null;
            if (type == 7) headers[name] = Encoding.UTF8.GetString(data[2..size]);
            data = data[size..];
        }
        return headers;
    }
}
