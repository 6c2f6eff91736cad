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
    }

    public void WriteDropped(long count, IBufferWriter<byte> output)
    {
        output.Write(WarningHeader);
        output.Write(Encoding.UTF8.GetBytes(RequestLogMessage.DroppedText(count)));
        output.Write("\n"u8);
    }
}
