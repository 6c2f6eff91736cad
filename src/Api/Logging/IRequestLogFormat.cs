using System.Buffers;

namespace Actors.Api.Logging;

/// <summary>How request log lines look on the wire: UTF-8, one line each, ending in a newline.</summary>
public interface IRequestLogFormat
{
    void Write(in RequestLogEntry entry, IBufferWriter<byte> output);

    /// <summary>The notice that <paramref name="count"/> lines were dropped because the writer fell behind.</summary>
    void WriteDropped(long count, IBufferWriter<byte> output);
}
