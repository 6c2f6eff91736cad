using System.Buffers;
using System.Text.Json;

namespace Actors.Api.Logging;

/// <summary>
/// The JSON console logger's shape (<c>Logging:Format=json</c>): EventId, LogLevel, Category, Message, and State with
/// each field under its own name. Used by one writer thread at a time.
/// </summary>
public sealed class JsonRequestLogFormat : IRequestLogFormat
{
    private readonly ArrayBufferWriter<byte> _message = new(256);
    private Utf8JsonWriter? _json;

    public void Write(in RequestLogEntry e, IBufferWriter<byte> output)
    {
        _message.ResetWrittenCount();
        RequestLogMessage.Write(e, _message);
        var json = Start(output, RequestLogMessage.EventId, "Information", _message.WrittenSpan);
        json.WriteString("RequestId", e.RequestId);
        json.WriteString("Route", e.Route);
        json.WriteString("Consumer", e.Consumer);
        json.WriteString("Target", e.Target);
        json.WriteNumber("Status", e.Status);
        json.WriteNumber("LatencyMs", e.LatencyMs);
        json.WriteNumber("Attempts", e.Attempts);
        json.WriteNumber("PromptTokens", e.PromptTokens);
        json.WriteNumber("CompletionTokens", e.CompletionTokens);
        if (e.RequestPayload is not null) json.WriteString("RequestPayload", e.RequestPayload);
        if (e.ResponsePayload is not null) json.WriteString("ResponsePayload", e.ResponsePayload);
        json.WriteString("{OriginalFormat}", RequestLogMessage.Template);
        End(json, output);
    }

    public void WriteDropped(long count, IBufferWriter<byte> output)
    {
        var json = Start(output, 2, "Warning", System.Text.Encoding.UTF8.GetBytes(RequestLogMessage.DroppedText(count)));
        json.WriteNumber("Count", count);
        End(json, output);
    }

    private Utf8JsonWriter Start(IBufferWriter<byte> output, int eventId, string level, ReadOnlySpan<byte> message)
    {
        var json = _json ??= new Utf8JsonWriter(output);
        json.Reset(output);
        json.WriteStartObject();
        json.WriteNumber("EventId", eventId);
        json.WriteString("LogLevel", level);
        json.WriteString("Category", RequestLogMessage.Category);
        json.WriteString("Message", message);
        json.WriteStartObject("State");
        json.WriteString("Message", message);
        return json;
    }

    private static void End(Utf8JsonWriter json, IBufferWriter<byte> output)
    {
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }
}
