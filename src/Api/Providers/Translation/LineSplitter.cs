using System.Buffers;
using System.Text;

namespace Actors.Api.Providers.Translation;

/// <summary>
/// Splits bytes that arrive in arbitrary chunks into lines ending in LF, CRLF or CR (SSE allows all three; NDJSON uses
/// LF). A partial line is kept as bytes, so a UTF-8 character split across chunks is decoded whole.
/// </summary>
public sealed class LineSplitter
{
    /// <summary>Longer lines are dropped rather than held without bound.</summary>
    public const int MaxLine = 16 << 20;

    private readonly ArrayBufferWriter<byte> _partial = new(256);
    private bool _skipLineFeed, _overlong;

    public void Feed(ReadOnlySpan<byte> bytes, Action<string> onLine)
    {
        if (_skipLineFeed && !bytes.IsEmpty)
        {
            if (bytes[0] == (byte)'\n') bytes = bytes[1..];
            _skipLineFeed = false;
        }
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOfAny((byte)'\n', (byte)'\r');
            if (end < 0)
            {
                Keep(bytes);
                return;
            }
            Keep(bytes[..end]);
            Emit(onLine);
            if (bytes[end] == (byte)'\r')
            {
                if (end + 1 == bytes.Length) _skipLineFeed = true;
                else if (bytes[end + 1] == (byte)'\n') end++;
            }
            bytes = bytes[(end + 1)..];
        }
    }

    /// <summary>The stream ended: a last line without its terminator still counts.</summary>
    public void Flush(Action<string> onLine)
    {
        if (_partial.WrittenCount > 0 || _overlong) Emit(onLine);
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_overlong) return;
        if (_partial.WrittenCount + bytes.Length > MaxLine)
        {
            _overlong = true;
            _partial.ResetWrittenCount();
            return;
        }
        _partial.Write(bytes);
    }

    private void Emit(Action<string> onLine)
    {
        var line = _overlong ? null : Encoding.UTF8.GetString(_partial.WrittenSpan);
        _partial.ResetWrittenCount();
        _overlong = false;
        if (line is not null) onLine(line);
    }
}

/// <summary>
/// Server-sent events from bytes in arbitrary chunks: <c>event:</c> and <c>data:</c> fields, multi-line data joined
/// with LF, comments skipped, an event dispatched at its blank line.
/// </summary>
public sealed class SseReader
{
    private readonly LineSplitter _lines = new();
    private readonly StringBuilder _data = new();
    private string? _event;
    private bool _hasData;

    public void Feed(ReadOnlySpan<byte> bytes, Action<string?, string> onEvent) => _lines.Feed(bytes, line => OnLine(line, onEvent));

    /// <summary>The stream ended: an event not closed by a blank line is still delivered.</summary>
    public void Flush(Action<string?, string> onEvent)
    {
        _lines.Flush(line => OnLine(line, onEvent));
        OnLine("", onEvent);
    }

    private void OnLine(string line, Action<string?, string> onEvent)
    {
        if (line.Length == 0)
        {
            if (_hasData) onEvent(_event, _data.ToString());
            _data.Clear();
            _event = null;
            _hasData = false;
            return;
        }
        if (line[0] == ':') return;
        var colon = line.IndexOf(':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? "" : line[(colon + 1)..];
        if (value.StartsWith(' ')) value = value[1..];
        if (field == "event") _event = value;
        else if (field == "data")
        {
            if (_hasData) _data.Append('\n');
            _data.Append(value);
            _hasData = true;
        }
    }
}
