using System.Diagnostics;
using Actors.Api.Logging;

namespace Actors.Api.Proxy;

/// <summary>
/// What one proxied request came to, written as one structured log line when it ends (JSON with
/// <c>Logging:Format=json</c>) through <see cref="RequestLogSink"/>. Never holds credentials; the bodies only when the
/// target answering asks for them (<c>logging.log_payloads</c>).
/// </summary>
public sealed class RequestLog(string requestId)
{
    public const string Header = "X-Request-Id";
    private readonly long _started = Stopwatch.GetTimestamp();

    public string RequestId { get; } = requestId;
    public string? Route { get; set; }
    public string? Consumer { get; set; }
    public string? Target { get; set; }
    public int Attempts { get; set; }
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public string? RequestPayload { get; set; }
    public string? ResponsePayload { get; set; }

    /// <summary>The client's request id when it is a sane token, else a new one.</summary>
    public static string IdFor(HttpContext context)
    {
        var given = context.Request.Headers[Header].ToString();
        if (given.Length is > 0 and <= 128 && !given.AsSpan().ContainsAnyExceptInRange('!', '~')) return given;
        // Not Guid.NewGuid: an id needs no cryptographic randomness, and on glibc that cost a getrandom system call
        // per request (measured: 3% of a proxied request's CPU).
        Span<byte> id = stackalloc byte[16];
        Random.Shared.NextBytes(id);
        return Convert.ToHexStringLower(id);
    }

    /// <summary>Queues the line (see <see cref="RequestLogSink"/>) when the handler's category logs at Information.</summary>
    public void Write(RequestLogSink sink, ILogger logger, int status)
    {
        // Checked first: nothing is queued when the level is off (Logging:LogLevel applies as to any other line).
        if (!logger.IsEnabled(LogLevel.Information)) return;
        sink.TryWrite(new RequestLogEntry(RequestId, Route ?? "-", Consumer ?? "-", Target ?? "-", status,
            Math.Round(Stopwatch.GetElapsedTime(_started).TotalMilliseconds, 1), Attempts, PromptTokens, CompletionTokens,
            RequestPayload, ResponsePayload));
    }
}
