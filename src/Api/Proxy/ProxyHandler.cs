using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Actors.Api.Hosting;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Routes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Actors.Api.Proxy;

/// <summary>
/// The proxy pipeline, one named step each: match the route, read the request, pick a target (one grain call),
/// normalize the request for it, forward, copy the response back unchanged, and report the outcome to the grain.
/// </summary>
public sealed class ProxyHandler(
    RouteTableHolder routes,
    ConfigSync configSync,
    IClusterClient cluster,
    UpstreamClients upstreams,
    IOptions<GatewayOptions> options,
    ILogger<ProxyHandler> logger)
{
    private static readonly HashSet<string> RequestHeadersNotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        // hop-by-hop and framing
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Host",
        "Content-Length", "Content-Type", "Expect",
        // the client's credentials are for this gateway, never for the provider
        "Authorization", "Proxy-Authorization", "Cookie", "api-key", "x-api-key",
        // the response is passed through byte for byte; ask for it uncompressed so its usage can be read
        "Accept-Encoding",
    };

    private static readonly HashSet<string> ResponseHeadersNotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection",
        "Content-Length", "Set-Cookie",
    };

    public async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var path = context.Request.Path.Value ?? "/";
        var route = routes.Current.Match(path);
        if (route is null && routes.Current.Version == 0)
        {
            // Just started and no config seen yet: fetch it now instead of answering 404 until the first poll.
            await TryRefreshAsync(context.RequestAborted);
            route = routes.Current.Match(path);
        }
        if (route is null)
        {
            await OpenAIError.WriteAsync(context, 404, "no Route matched with those values", OpenAIError.NotFound);
            return;
        }
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await OpenAIError.WriteAsync(context, 405, $"route '{route.Name}' accepts only POST chat requests", OpenAIError.InvalidRequest);
            return;
        }

        var body = await ReadBodyAsync(context);
        if (body is null) return;
        if (!ChatRequestReader.TryParse(body.Value, out var document, out var error))
        {
            await OpenAIError.WriteAsync(context, 400, error!, OpenAIError.InvalidRequest);
            return;
        }
        using (document)
        {
            var picked = await PickAsync(context, route);
            if (picked is null) return;
            var (current, target) = picked.Value;
            await ForwardAsync(context, current, target, document!.RootElement);
        }
    }

    private async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await configSync.RefreshAsync(cancellationToken);
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            logger.LogWarning("Config refresh failed: {Error}", ex.Message);
        }
    }

    /// <summary>Reads the whole body up to the limit; writes 413 and returns null when it is larger.</summary>
    private async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await OpenAIError.WriteAsync(context, 413, $"the request body is larger than {limit} bytes", OpenAIError.InvalidRequest);
            return null;
        }
        using var buffer = new MemoryStream(context.Request.ContentLength is { } length ? (int)length : 4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    await OpenAIError.WriteAsync(context, 413, $"the request body is larger than {limit} bytes", OpenAIError.InvalidRequest);
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>Step 3: one grain call. The grain's target list and this node's must agree (same revision).</summary>
    private async Task<(ResolvedRoute Route, ResolvedTarget Target)?> PickAsync(HttpContext context, ResolvedRoute route)
    {
        var grain = cluster.GetGrain<IRouteGrain>(route.Name);
        var deadline = options.Value.ClusterCallDeadline;
        for (var attempt = 0; ; attempt++)
        {
            TargetPick pick;
            try
            {
                pick = await ClusterCalls.WithRetryAsync(grain.Pick, deadline, context.RequestAborted);
            }
            catch (Exception ex) when (ClusterCalls.IsTransient(ex))
            {
                logger.LogWarning("Route {Route}: the cluster did not answer within {Deadline}: {Error}", route.Name, deadline, ex.Message);
                await OpenAIError.WriteAsync(context, 503, "the gateway cluster is unavailable; try again", OpenAIError.Unavailable);
                return null;
            }

            if (pick.Status == PickStatus.Picked && pick.Revision == route.Spec.Revision && pick.TargetIndex < route.Targets.Count)
                return (route, route.Targets[pick.TargetIndex]);
            if (pick.Status == PickStatus.NoTarget)
            {
                await OpenAIError.WriteAsync(context, 503, $"route '{route.Name}' has no available target", OpenAIError.Unavailable);
                return null;
            }
            if (attempt > 0)
            {
                await OpenAIError.WriteAsync(context, 503, $"route '{route.Name}' is being reconfigured; try again", OpenAIError.Unavailable);
                return null;
            }
            // This node or the grain is behind the other: catch up with the cluster's config and try once more.
            await configSync.RefreshAsync(context.RequestAborted);
            var refreshed = routes.Current.Find(route.Name);
            if (refreshed is null)
            {
                await OpenAIError.WriteAsync(context, 404, "no Route matched with those values", OpenAIError.NotFound);
                return null;
            }
            route = refreshed;
        }
    }

    /// <summary>Steps 4 to 6: rewrite, forward, copy the response, report.</summary>
    private async Task ForwardAsync(HttpContext context, ResolvedRoute route, ResolvedTarget target, JsonElement request)
    {
        if (target.Problem is not null)
        {
            logger.LogError("Route {Route} target {Target}: {Problem}", route.Name, target, target.Problem);
            await OpenAIError.WriteAsync(context, 503, $"target {target.Index} of route '{route.Name}' is misconfigured on this gateway node: {target.Problem}", OpenAIError.Unavailable);
            return;
        }

        var balancer = route.Spec.Balancer;
        var started = Stopwatch.GetTimestamp();
        var rewritten = new ArrayBufferWriter<byte>(4096);
        ChatRequestRewriter.Write(request, target, rewritten);

        using var upstreamRequest = new HttpRequestMessage(HttpMethod.Post, target.Upstream) { Content = new ReadOnlyMemoryContent(rewritten.WrittenMemory) };
        upstreamRequest.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, values) in context.Request.Headers)
        {
            if (RequestHeadersNotForwarded.Contains(name) || string.Equals(name, target.AuthHeaderName, StringComparison.OrdinalIgnoreCase)) continue;
            upstreamRequest.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        if (target.AuthHeaderName is not null) upstreamRequest.Headers.TryAddWithoutValidation(target.AuthHeaderName, target.AuthHeaderValue);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(balancer.ConnectTimeoutMs + (double)balancer.ReadTimeoutMs));
        var client = upstreams.For(target.Upstream!, balancer.ConnectTimeoutMs);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(upstreamRequest, timeout.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client left; nothing to answer
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            var timedOut = ex is OperationCanceledException || ex.InnerException is TimeoutException;
            Report(route, target, started, timedOut ? 504 : 502, success: false, 0, 0);
            logger.LogWarning("Route {Route} target {Target}: upstream {Failure}", route.Name, target, timedOut ? "timed out" : "unreachable");
            await OpenAIError.WriteAsync(context, timedOut ? 504 : 502,
                timedOut ? $"the provider did not answer within the timeout ({target.Spec.QualifiedModel})" : $"the provider could not be reached ({target.Spec.QualifiedModel})",
                timedOut ? OpenAIError.Timeout : OpenAIError.Upstream);
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            context.Response.StatusCode = status;
            CopyResponseHeaders(response, context.Response);
            if (route.Spec.ModelNameHeader) context.Response.Headers["X-Kong-LLM-Model"] = target.Spec.QualifiedModel;
            context.Response.Headers["X-Actors-Target"] = target.IndexHeader;
            var success = status < 500 && status != 429;
            try
            {
                if (IsEventStream(response))
                {
                    await StreamAsync(response, context, timeout.Token);
                    Report(route, target, started, status, success, 0, 0);
                }
                else
                {
                    var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                    UsageReader.TryRead(bytes, out var prompt, out var completion);
                    context.Response.ContentLength = bytes.Length;
                    await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
                    Report(route, target, started, status, success, prompt, completion);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
            {
                // Bytes may already be on their way to the client: end the response, don't disguise the cut.
                Report(route, target, started, 502, success: false, 0, 0);
                logger.LogWarning("Route {Route} target {Target}: response cut ({Error})", route.Name, target, ex.GetType().Name);
                context.Abort();
            }
        }
    }

    private static bool IsEventStream(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "text/event-stream";

    /// <summary>Server-sent events are passed on as they arrive: each read is flushed to the client at once.</summary>
    private static async Task StreamAsync(HttpResponseMessage response, HttpContext context, CancellationToken cancellationToken)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(cancellationToken);
        await using var upstream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await upstream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CopyResponseHeaders(HttpResponseMessage from, HttpResponse to)
    {
        foreach (var (name, values) in from.Headers)
            if (!ResponseHeadersNotCopied.Contains(name)) to.Headers[name] = values.ToArray();
        foreach (var (name, values) in from.Content.Headers)
            if (!ResponseHeadersNotCopied.Contains(name)) to.Headers[name] = values.ToArray();
    }

    /// <summary>Step 6: tell the route grain how it went. One-way: the client never waits for bookkeeping.</summary>
    private void Report(ResolvedRoute route, ResolvedTarget target, long started, int status, bool success, long prompt, long completion)
    {
        var outcome = new TargetOutcome(route.Spec.Revision, target.Index, success, status,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, prompt, completion);
        try
        {
            _ = cluster.GetGrain<IRouteGrain>(route.Name).Report(outcome);
        }
        catch (Exception ex)
        {
            logger.LogDebug("Route {Route}: outcome not reported: {Error}", route.Name, ex.Message);
        }
    }
}
