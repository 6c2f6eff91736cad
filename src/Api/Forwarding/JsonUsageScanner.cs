using System.Buffers;

namespace Actors.Api.Forwarding;

/// <summary>
/// Part of step 7 (Forward): reads the token counts of a JSON chat completion as its bytes pass to the client, without
/// holding the body: it tracks only nesting, strings and the last key at the top level, and keeps the bytes of a
/// top-level <c>usage</c> object (a few hundred bytes; more than <see cref="MaxUsageBytes"/> is ignored). Chunks may
/// split the body anywhere. A body that is not JSON just yields no usage.
/// </summary>
public sealed class JsonUsageScanner
{
    public const int MaxUsageBytes = 4096;
    private static readonly SearchValues<byte> StringStops = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> StructureStops = SearchValues.Create("\"{}[]"u8);

    private int _depth;
    private bool _inString, _escaped;
    // the top-level key being read, compared with "usage" when it closes
    private bool _readingKey;
    private int _keyLength;
    private bool _keyIsUsage, _keyMatches;
    private ArrayBufferWriter<byte>? _usage;
    private bool _capturing, _captureDone;

    public long PromptTokens { get; private set; }
    public long CompletionTokens { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        while (!chunk.IsEmpty)
        {
            var wasCapturing = _capturing;
            var captureFrom = -1;
            var consumed = _inString ? ScanString(chunk) : ScanStructure(chunk, out captureFrom);
            if (wasCapturing) Capture(chunk[..consumed]);
            else if (captureFrom >= 0) Capture(chunk[captureFrom..consumed]);
            if (_captureDone) Finish();
            chunk = chunk[consumed..];
        }
    }

    private int ScanStructure(ReadOnlySpan<byte> chunk, out int captureFrom)
    {
        captureFrom = -1;
        var at = chunk.IndexOfAny(StructureStops);
        if (at < 0) return chunk.Length;
        switch (chunk[at])
        {
            case (byte)'"':
                _inString = true;
                _readingKey = _depth == 1;
                (_keyLength, _keyMatches) = (0, true);
                break;
            case (byte)'{' or (byte)'[':
                if (chunk[at] == '{' && _depth == 1 && _keyIsUsage && !_capturing)
                {
                    (_capturing, captureFrom) = (true, at);
                    _usage = new ArrayBufferWriter<byte>(256);
                }
                _depth++;
                break;
            default:
                _depth--;
                if (_capturing && _depth == 1) _captureDone = true;
                break;
        }
        return at + 1;
    }

    private int ScanString(ReadOnlySpan<byte> chunk)
    {
        if (_escaped)
        {
            _escaped = false;
            _keyMatches = false; // an escaped key is never the plain "usage"
            return 1;
        }
        var at = chunk.IndexOfAny(StringStops);
        var text = at < 0 ? chunk : chunk[..at];
        if (_readingKey) MatchKey(text);
        if (at < 0) return chunk.Length;
        if (chunk[at] == '\\')
        {
            _escaped = true;
            return at + 1;
        }
        _inString = false;
        if (_readingKey) _keyIsUsage = _keyMatches && _keyLength == 5;
        return at + 1;
    }

    private void MatchKey(ReadOnlySpan<byte> text)
    {
        if (_keyMatches && (_keyLength + text.Length > 5 || !text.SequenceEqual("usage"u8.Slice(_keyLength, text.Length)))) _keyMatches = false;
        _keyLength += text.Length;
    }

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (_usage is null) return;
        if (_usage.WrittenCount + bytes.Length > MaxUsageBytes) _usage = null;
        else _usage.Write(bytes);
    }

    private void Finish()
    {
        if (_usage is not null && UsageReader.TryReadObject(_usage.WrittenSpan, out var prompt, out var completion))
            (PromptTokens, CompletionTokens) = (prompt, completion);
        (_usage, _capturing, _captureDone, _keyIsUsage) = (null, false, false, false);
    }
}
