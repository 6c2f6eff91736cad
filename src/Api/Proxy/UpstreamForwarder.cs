using System.Buffers;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;
using Microsoft.AspNetCore.Http.Features;

namespace Actors.Api.Proxy;

/// <summary>
/// Steps 4 and 5 for one target: send the rewritten request, then either pass the response to the client
/// unchanged or, when it is a failure the route fails over on, hold it back so another target can be tried.
/// Nothing is held back once a byte has reached the client.
/// </summary>
public sealed class UpstreamForwarder(UpstreamClients upstreams, ILogger<UpstreamForwarder> logger)
{
    /// <summary>Largest error body kept from a failed attempt (to return it if every attempt fails).</summary>
    private const int MaxFailureBody = 64 * 1024;
    private const int MaxBufferedResponse = 64 * 1024 * 1024;

    private static readonly HashSet<string> RequestHeadersNotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        // hop-by-hop and framing
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Host",
        "Content-Length", "Content-Type", "Expect",
        // the client's credentials are for this gateway, never for the provider
        "Authorization", "Proxy-Authorization", "Cookie", "api-key", "x-api-key",
        // set by the gateway (the client's own id when it sent a sane one)
        RequestLog.Header,
        // legacy trace header; traceparent and tracestate are handled in ForwardAsync
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

    /// <param name="deadline">When the request as a whole runs out of time for a response to start.</param>
    public async Task<AttemptResult> ForwardAsync(HttpContext context, ResolvedRoute route, ResolvedTarget target,
        ReadOnlyMemory<byte> body, DateTime deadline, int attempt, string requestId)
    {
        var balancer = route.Spec.Balancer;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var readTimeout = TimeSpan.FromMilliseconds(balancer.ReadTimeoutMs);
        var writeTimeout = TimeSpan.FromMilliseconds(balancer.WriteTimeoutMs);
        var aborted = context.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        TimeSpan Capped(TimeSpan t) => TimeSpan.FromTicks(Math.Max(0, Math.Min(t.Ticks, (deadline - DateTime.UtcNow).Ticks)));
        // Connecting is bounded by the handler's connect_timeout and writing by write_timeout; the read timeout
        // (time to the response headers) starts once the body is sent.
        timeout.CancelAfter(Capped(TimeSpan.FromMilliseconds(balancer.ConnectTimeoutMs) + writeTimeout + readTimeout));
        var content = new RequestBodyContent(body, writeTimeout, () => timeout.CancelAfter(Capped(readTimeout)));
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Upstream) { Content = content };
        var tracing = System.Diagnostics.Activity.Current is not null;
        foreach (var (name, values) in context.Request.Headers)
        {
            if (RequestHeadersNotForwarded.Contains(name) || string.Equals(name, target.AuthHeaderName, StringComparison.OrdinalIgnoreCase)) continue;
            // With tracing on, the HTTP handler re-issues the trace context for the gateway's own span; with it off
            // there is no span, and the caller's context goes on unchanged.
            if (tracing && IsTraceContext(name)) continue;
            // the consumer's key is for this gateway only
            if (route.Spec.KeyAuth is { } keyAuth && keyAuth.KeyNames.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            if (values.Count == 1) request.Headers.TryAddWithoutValidation(name, values[0]);
            else request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        if (target.AuthHeaderName is not null) request.Headers.TryAddWithoutValidation(target.AuthHeaderName, target.AuthHeaderValue);
        request.Headers.TryAddWithoutValidation(RequestLog.Header, requestId);

        HttpResponseMessage response;
        try
        {
            response = await upstreams.For(target.Upstream!, balancer.ConnectTimeoutMs)
                .SendAsync(request, timeout.Token);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or TimeoutException)
        {
            var kind = IsTimeout(ex, content) ? FailureKind.Timeout : FailureKind.Error;
            logger.LogWarning("Route {Route} target {Target}: upstream {Failure} ({Error})", route.Name, target,
                kind == FailureKind.Timeout ? "timed out" : "unreachable", ex.GetType().Name);
            return Failed(route, kind);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (route.FailsOverOn(FailoverCriterion.ForStatus(status)))
                return await HoldBackAsync(response, timeout, readTimeout, aborted);

            return IsEventStream(response)
                ? await StreamAsync(context, route, target, response, timeout, readTimeout, attempt, started)
                : await BufferAsync(context, route, target, response, timeout, readTimeout, attempt);
        }
    }

    private static bool IsTraceContext(string header) =>
        string.Equals(header, "traceparent", StringComparison.OrdinalIgnoreCase) || string.Equals(header, "tracestate", StringComparison.OrdinalIgnoreCase);

    private static bool IsTimeout(Exception ex, RequestBodyContent content) =>
        content.TimedOut || ex is OperationCanceledException or TimeoutException || ex.InnerException is TimeoutException;

    private static AttemptResult Failed(ResolvedRoute route, FailureKind kind) => new()
    {
        Failure = kind,
        Status = kind == FailureKind.Timeout ? 504 : 502,
        Healthy = !route.FailsOverOn(kind == FailureKind.Timeout ? FailoverCriterion.Timeout : FailoverCriterion.Error),
    };

    /// <summary>A failure status: keep its body (bounded) for the client in case every target fails.</summary>
    private static async Task<AttemptResult> HoldBackAsync(HttpResponseMessage response, CancellationTokenSource timeout, TimeSpan readTimeout, CancellationToken aborted)
    {
        using var body = await ReadBodyAsync(response, timeout, readTimeout, MaxFailureBody, truncate: true, aborted);
        return new AttemptResult
        {
            Failure = FailureKind.Status,
            Status = (int)response.StatusCode,
            Healthy = false,
            FailureBody = body?.WrittenSpan.ToArray() ?? [],
            FailureContentType = response.Content.Headers.ContentType?.ToString(),
        };
    }

    /// <summary>A JSON response: read it whole (so a cut is still retryable), then send it at once.</summary>
    private async Task<AttemptResult> BufferAsync(HttpContext context, ResolvedRoute route, ResolvedTarget target,
        HttpResponseMessage response, CancellationTokenSource timeout, TimeSpan readTimeout, int attempt)
    {
        using var bytes = await ReadBodyAsync(response, timeout, readTimeout, MaxBufferedResponse, truncate: false, context.RequestAborted);
        if (bytes is null)
        {
            logger.LogWarning("Route {Route} target {Target}: response body cut or too slow", route.Name, target);
            return Failed(route, FailureKind.Error);
        }
        var status = (int)response.StatusCode;
        var buffer = bytes.WrittenMemory;
        UsageReader.TryRead(buffer.Span, out var prompt, out var completion);
        StartResponse(context, route, target, response, attempt);
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer, context.RequestAborted);
        return new AttemptResult { Delivered = true, Healthy = true, Status = status, PromptTokens = prompt, CompletionTokens = completion };
    }

    /// <summary>Server-sent events go to the client as they arrive: every read is flushed at once.</summary>
    private async Task<AttemptResult> StreamAsync(HttpContext context, ResolvedRoute route, ResolvedTarget target,
        HttpResponseMessage response, CancellationTokenSource idle, TimeSpan readTimeout, int attempt, long started)
    {
        var aborted = context.RequestAborted;
        double? firstByteMs = null;
        StartResponse(context, route, target, response, attempt);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var scanner = new SseUsageScanner();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await context.Response.StartAsync(aborted);
            await using var upstream = await response.Content.ReadAsStreamAsync(aborted);
            while (true)
            {
                idle.CancelAfter(readTimeout);
                var read = await upstream.ReadAsync(buffer, idle.Token);
                if (read == 0) break;
                firstByteMs ??= System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                scanner.Feed(buffer.AsSpan(0, read));
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
            return new AttemptResult
            {
                Delivered = true, Healthy = true, Status = (int)response.StatusCode,
                PromptTokens = scanner.PromptTokens, CompletionTokens = scanner.CompletionTokens, FirstByteMs = firstByteMs,
            };
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // Bytes are already with the client: end its stream as the provider's ended, never with a fake [DONE].
            if (!aborted.IsCancellationRequested)
                logger.LogWarning("Route {Route} target {Target}: stream cut ({Error})", route.Name, target, ex.GetType().Name);
            context.Abort();
            return new AttemptResult { Delivered = true, Healthy = aborted.IsCancellationRequested, Status = 502 };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads a body into a pooled buffer (the caller disposes it) with a per-read idle timeout on
    /// <paramref name="idle"/>, the attempt's timeout source (linked to the client's abort); null when the body is cut
    /// or too slow. Past <paramref name="limit"/> it is cut short when <paramref name="truncate"/>, else null.
    /// </summary>
    private static async Task<ArrayPoolBufferWriter<byte>?> ReadBodyAsync(HttpResponseMessage response, CancellationTokenSource idle,
        TimeSpan readTimeout, int limit, bool truncate, CancellationToken aborted)
    {
        var declared = response.Content.Headers.ContentLength;
        var result = new ArrayPoolBufferWriter<byte>(declared is { } n and < 1 << 20 ? (int)n + 1 : 16 * 1024);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(aborted);
            while (true)
            {
                idle.CancelAfter(readTimeout);
                var read = await stream.ReadAsync(result.GetMemory(1), idle.Token);
                if (read == 0) return result;
                if (result.WrittenCount + read > limit)
                {
                    if (truncate)
                    {
                        result.Advance(limit - result.WrittenCount);
                        return result;
                    }
                    result.Dispose();
                    return null;
                }
                result.Advance(read);
            }
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or IOException)
        {
            result.Dispose();
            return null;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static Microsoft.Extensions.Primitives.StringValues AsStringValues(System.Net.Http.Headers.HeaderStringValues values) =>
        values.Count == 1 ? values.ToString() : values.ToArray();

    private static bool IsEventStream(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "text/event-stream";

    private static void StartResponse(HttpContext context, ResolvedRoute route, ResolvedTarget target, HttpResponseMessage response, int attempt)
    {
        var to = context.Response;
        to.StatusCode = (int)response.StatusCode;
        // NonValidated: the provider's header values are passed on as sent, without parsing them first.
        foreach (var (name, values) in response.Headers.NonValidated)
            if (!ResponseHeadersNotCopied.Contains(name)) to.Headers[name] = AsStringValues(values);
        foreach (var (name, values) in response.Content.Headers.NonValidated)
            if (!ResponseHeadersNotCopied.Contains(name)) to.Headers[name] = AsStringValues(values);
        if (response.Headers.NonValidated.TryGetValues(RequestLog.Header, out var providerId)) to.Headers["X-Provider-Request-Id"] = AsStringValues(providerId);
        if (route.Spec.ModelNameHeader) to.Headers["X-Kong-LLM-Model"] = target.Spec.QualifiedModel;
        to.Headers["X-Actors-Target"] = target.IndexHeader;
        to.Headers["X-Actors-Attempts"] = (attempt + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
