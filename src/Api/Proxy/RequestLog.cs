using System.Diagnostics;

namespace Actors.Api.Proxy;

/// <summary>
/// What one proxied request came to, written as one structured log line when it ends (JSON with
/// <c>Logging:Format=json</c>). Never holds bodies or credentials.
/// </summary>
public sealed partial class RequestLog(string requestId)
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

    public void Write(ILogger logger, int status)
    {
        // Checked first: nothing is formatted when the level is off.
        if (!logger.IsEnabled(LogLevel.Information)) return;
        Proxied(logger, RequestId, Route ?? "-", Consumer ?? "-", Target ?? "-", status,
            Math.Round(Stopwatch.GetElapsedTime(_started).TotalMilliseconds, 1), Attempts, PromptTokens, CompletionTokens);
    }

    /// <summary>Source-generated: the line's fields are passed without boxing them into an object array.</summary>
    [LoggerMessage(EventId = 1, EventName = "Proxied", Level = LogLevel.Information,
        Message = "proxied {RequestId} route={Route} consumer={Consumer} target={Target} status={Status} latency_ms={LatencyMs} attempts={Attempts} prompt_tokens={PromptTokens} completion_tokens={CompletionTokens}")]
    private static partial void Proxied(ILogger logger, string requestId, string route, string consumer, string target, int status,
        double latencyMs, int attempts, long promptTokens, long completionTokens);
}
