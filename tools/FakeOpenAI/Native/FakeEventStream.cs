using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Actors.FakeOpenAI.Native;

/// <summary>Writes AWS event-stream messages (<c>application/vnd.amazon.eventstream</c>) with string headers.</summary>
public static class FakeEventStream
{
    /// <summary>A Bedrock event: <c>:event-type</c>, <c>:content-type</c>, <c>:message-type event</c>, JSON payload.</summary>
    public static byte[] Event(string eventType, string json) => Frame(
        [new(":event-type", eventType), new(":content-type", "application/json"), new(":message-type", "event")], Encoding.UTF8.GetBytes(json));

    /// <summary>An exception in mid-stream, as Bedrock sends one.</summary>
    public static byte[] Exception(string exceptionType, string message) => Frame(
        [new(":exception-type", exceptionType), new(":content-type", "application/json"), new(":message-type", "exception")],
        Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["message"] = message }.ToJsonString()));

    /// <summary>Prelude (total length, headers length, their CRC32), headers, payload, CRC32 of all before it.</summary>
    public static byte[] Frame(IReadOnlyList<KeyValuePair<string, string>> headers, byte[] payload)
    {
        var head = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            head.WriteByte((byte)nameBytes.Length);
            head.Write(nameBytes);
            head.WriteByte(7); // string
            head.WriteByte((byte)(valueBytes.Length >> 8));
            head.WriteByte((byte)valueBytes.Length);
            head.Write(valueBytes);
        }
        var total = 12 + (int)head.Length + payload.Length + 4;
        var message = new byte[total];
        BinaryPrimitives.WriteInt32BigEndian(message, total);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), (int)head.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.HashToUInt32(message.AsSpan(0, 8)));
        head.ToArray().CopyTo(message, 12);
        payload.CopyTo(message, 12 + head.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32.HashToUInt32(message.AsSpan(0, total - 4)));
        return message;
    }
}
