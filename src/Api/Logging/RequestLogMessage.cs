using System.Buffers;
using System.Globalization;
using System.Text.Unicode;

namespace Actors.Api.Logging;

/// <summary>
/// The request line's text and identity, shared by every format: the same message, event id and category that the
/// gateway's source-generated log line had (event name <c>Proxied</c>), so log queries keep working.
/// </summary>
public static class RequestLogMessage
{
    public const int EventId = 1;
    public const string Category = "Actors.Api.Proxy.ProxyHandler";
    public const string Template =
        "proxied {RequestId} route={Route} consumer={Consumer} target={Target} status={Status} latency_ms={LatencyMs} attempts={Attempts} prompt_tokens={PromptTokens} completion_tokens={CompletionTokens}";

    /// <summary>Writes the message (no newline) as UTF-8.</summary>
    public static void Write(in RequestLogEntry e, IBufferWriter<byte> output)
    {
        // Fields are bounded (ids ≤ 128 printable ASCII, names from config); start generous and grow if ever short.
        var hint = 160 + 3 * (e.RequestId.Length + e.Route.Length + e.Consumer.Length + e.Target.Length);
        while (true)
        {
            var span = output.GetSpan(hint);
            if (Utf8.TryWrite(span, CultureInfo.InvariantCulture,
                    $"proxied {e.RequestId} route={e.Route} consumer={e.Consumer} target={e.Target} status={e.Status} latency_ms={e.LatencyMs} attempts={e.Attempts} prompt_tokens={e.PromptTokens} completion_tokens={e.CompletionTokens}",
                    out var written))
            {
                output.Advance(written);
                return;
            }
            hint = span.Length * 2;
        }
    }

    public static string DroppedText(long count) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} request log lines dropped: the log writer fell behind (actors_request_log_dropped_total)");
}
