using System.Net.Http.Headers;
using Actors.Api.Proxy;
using Microsoft.Extensions.Primitives;

namespace Actors.Api.Forwarding;

/// <summary>
/// Part of step 7 (Forward): header rules between client and provider (YARP's <c>HttpTransformer</c>): which client
/// headers go to the provider, which provider headers come back, and what the gateway adds each way.
/// </summary>
public static class HeaderTransformer
{
    private static readonly HashSet<string> RequestHeadersNotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        // hop-by-hop and framing
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Host",
        "Content-Length", "Content-Type", "Expect",
        // the client's credentials are for this gateway, never for the provider
        "Authorization", "Proxy-Authorization", "Cookie", "api-key", "x-api-key",
        // set by the gateway (the client's own id when it sent a sane one)
        RequestLog.Header,
        // legacy trace header; traceparent and tracestate are handled in CopyRequestHeaders
        "Request-Id",
        // the response is passed through byte for byte; ask for it uncompressed so its usage can be read
        "Accept-Encoding",
    };

    private static readonly HashSet<string> ResponseHeadersNotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection",
        "Content-Length", "Set-Cookie",
        // the gateway's request id stays; the provider's is passed on as X-Provider-Request-Id
        RequestLog.Header,
    };

    /// <summary>The client's headers minus the ones above, then the target's credentials and the request id.</summary>
    public static void CopyRequestHeaders(ForwardAttempt attempt, HttpRequestMessage request)
    {
        var target = attempt.Target;
        var keyNames = attempt.Route.Spec.KeyAuth?.KeyNames;
        var tracing = System.Diagnostics.Activity.Current is not null;
        foreach (var (name, values) in attempt.Context.Request.Headers)
        {
            if (RequestHeadersNotForwarded.Contains(name) || string.Equals(name, target.AuthHeaderName, StringComparison.OrdinalIgnoreCase)) continue;
            // With tracing on, the HTTP handler re-issues the trace context for the gateway's own span; with it off
            // there is no span, and the caller's context goes on unchanged.
            if (tracing && IsTraceContext(name)) continue;
            // the consumer's key is for this gateway only
            if (keyNames is not null && keyNames.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            if (values.Count == 1) request.Headers.TryAddWithoutValidation(name, values[0]);
            else request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        // The target's credential goes to every provider (Anthropic's x-api-key, Gemini's x-goog-api-key, ...);
        // a translating driver's own headers come after and win on the same name.
        if (target.AuthHeaderName is not null)
            request.Headers.TryAddWithoutValidation(target.AuthHeaderName, target.AuthHeaderValue);
        foreach (var (name, value) in attempt.Request.Headers) Set(request, name, value);
        request.Headers.TryAddWithoutValidation(RequestLog.Header, attempt.RequestId);
    }

    /// <summary>A driver's header (auth, version, content type) replaces whatever the client sent under that name.</summary>
    public static void Set(HttpRequestMessage request, string name, string value)
    {
        if (request.Content is { } content && name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
        {
            content.Headers.Remove(name);
            content.Headers.TryAddWithoutValidation(name, value);
            return;
        }
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    /// <summary>
    /// Status and the provider's headers minus hop-by-hop ones (unless <paramref name="copyProviderHeaders"/> is false:
    /// a translated body has headers of its own), then the gateway's: model, target, attempts.
    /// </summary>
    public static void CopyResponseHeaders(ForwardAttempt attempt, HttpResponseMessage from, int status, bool copyProviderHeaders = true)
    {
        var to = attempt.Context.Response;
        to.StatusCode = status;
        if (copyProviderHeaders)
        {
            // NonValidated: the provider's header values are passed on as sent, without parsing them first.
            foreach (var (name, values) in from.Headers.NonValidated)
                if (!ResponseHeadersNotCopied.Contains(name)) to.Headers[name] = AsStringValues(values);
            foreach (var (name, values) in from.Content.Headers.NonValidated)
                if (!ResponseHeadersNotCopied.Contains(name)) to.Headers[name] = AsStringValues(values);
        }
        if (from.Headers.NonValidated.TryGetValues(RequestLog.Header, out var providerId)) to.Headers["X-Provider-Request-Id"] = AsStringValues(providerId);
        if (attempt.Route.Spec.ModelNameHeader) to.Headers["X-Kong-LLM-Model"] = attempt.Target.Spec.QualifiedModel;
        to.Headers["X-Actors-Target"] = attempt.Target.IndexHeader;
        to.Headers[AttemptsHeader] = attempt.AttemptsHeader;
    }

    /// <summary>How many attempts the request took, on every answer that followed one.</summary>
    public const string AttemptsHeader = "X-Actors-Attempts";

    private static bool IsTraceContext(string header) =>
        string.Equals(header, "traceparent", StringComparison.OrdinalIgnoreCase) || string.Equals(header, "tracestate", StringComparison.OrdinalIgnoreCase);

    private static StringValues AsStringValues(HeaderStringValues values) =>
        values.Count == 1 ? values.ToString() : values.ToArray();
}
