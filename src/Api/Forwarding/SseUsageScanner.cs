namespace Actors.Api.Forwarding;

/// <summary>
/// Part of step 7 (Forward): watches server-sent events as they pass through and keeps the token counts of the last
/// event that carried a <c>usage</c> object (OpenAI sends it in the final chunk when
/// <c>stream_options.include_usage</c> is set). It only reads; the bytes go to the client unchanged.
/// </summary>
public sealed class SseUsageScanner
{
    private const int MaxLine = 1 << 20;
    private readonly List<byte> _line = [];
    private bool _skipping;

    public long PromptTokens { get; private set; }
    public long CompletionTokens { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var part = newline < 0 ? chunk : chunk[..newline];
            if (!_skipping)
            {
                if (_line.Count + part.Length > MaxLine) { _skipping = true; _line.Clear(); }
                else foreach (var b in part) _line.Add(b);
            }
            if (newline < 0) return;
            if (!_skipping) OnLine(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_line));
            _line.Clear();
            _skipping = false;
            chunk = chunk[(newline + 1)..];
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("data:"u8)) return;
        var data = line[5..].Trim((byte)' ').TrimEnd((byte)'\r');
        if (data.SequenceEqual("[DONE]"u8)) return;
        if (data.IndexOf("\"usage\""u8) < 0) return;
        if (UsageReader.TryRead(data, out var prompt, out var completion) && prompt + completion > 0)
        {
            PromptTokens = prompt;
            CompletionTokens = completion;
        }
    }
}
