using System.Buffers;
using System.Text;

namespace Actors.Api.Logging;

/// <summary>The console logger's default ("simple") shape without colours: a header line, then the indented message.</summary>
public sealed class PlainRequestLogFormat : IRequestLogFormat
{
    private static readonly byte[] Header = Encoding.UTF8.GetBytes($"info: {RequestLogMessage.Category}[{RequestLogMessage.EventId}]\n      ");
    private static readonly byte[] WarningHeader = Encoding.UTF8.GetBytes($"warn: {RequestLogMessage.Category}[2]\n      ");

    public void Write(in RequestLogEntry entry, IBufferWriter<byte> output)
    {
        output.Write(Header);
        RequestLogMessage.Write(entry, output);
        output.Write("\n"u8);
        // Bodies on lines of their own, as JSON strings: one line each whatever they hold.
        if (entry.RequestPayload is not null) WritePayload("request_payload=", entry.RequestPayload, output);
        if (entry.ResponsePayload is not null) WritePayload("response_payload=", entry.ResponsePayload, output);
    }

    /// <summary>Quotes and control characters escaped (one line), the rest as it is, readable.</summary>
    private static readonly System.Text.Json.JsonWriterOptions PayloadJson =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WritePayload(string name, string payload, IBufferWriter<byte> output)
    {
        output.Write("      "u8);
        output.Write(Encoding.UTF8.GetBytes(name));
        using (var json = new System.Text.Json.Utf8JsonWriter(output, PayloadJson)) json.WriteStringValue(payload);
        output.Write("\n"u8);
    }

    public void WriteDropped(long count, IBufferWriter<byte> output)
    {
        output.Write(WarningHeader);
        output.Write(Encoding.UTF8.GetBytes(RequestLogMessage.DroppedText(count)));
        output.Write("\n"u8);
    }
}
