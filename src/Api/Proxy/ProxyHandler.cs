using System.Text.Json;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Hosting;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Options;

namespace Actors.Api.Proxy;

/// <summary>
/// The proxy pipeline, one named step each: match the route, read and check the request, pick a target (one grain
/// call), normalize the request for it, forward, and report the outcome to the grain. A failure the route fails
/// over on moves the request to the next target the grain picks, up to <c>balancer.retries</c> times.
/// </summary>
public sealed class ProxyHandler(
    RouteTableHolder routes,
    ConfigSync configSync,
    GrainReferences<IRouteGrain> grains,
    TargetPicker picker,
    UpstreamForwarder forwarder,
    ClientAccess access,
    Telemetry.GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<ProxyHandler> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var log = new RequestLog(RequestLog.IdFor(context));
        context.Response.Headers[RequestLog.Header] = log.RequestId;
        try
        {
            await HandleAsync(context, log);
        }
        finally
        {
            log.Write(logger, context.Response.StatusCode);
        }
    }

    private async Task HandleAsync(HttpContext context, RequestLog log)
    {
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
        log.Route = route.Name;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await OpenAIError.WriteAsync(context, 405, $"route '{route.Name}' accepts only POST chat requests", OpenAIError.InvalidRequest);
            return;
        }
        if (!await access.AdmitAsync(context, routes.Current, route, log)) return;
        using var slot = access.TryEnter(route);
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = "1";
            await OpenAIError.WriteAsync(context, 429, $"route '{route.Name}' has too many requests in flight on this node", OpenAIError.RateLimit);
            return;
        }

        using var body = await ReadBodyAsync(context);
        if (body is null) return;
        // Socket completions run inline on the socket threads (SocketCompletions): checking a large body there would
        // hold up every other connection on that thread, so it moves to the thread pool first.
        if (body.WrittenCount > 64 * 1024) await Task.Yield();
        if (!ChatRequestReader.IsValid(body.WrittenMemory, out var error))
        {
            await OpenAIError.WriteAsync(context, 400, error!, OpenAIError.InvalidRequest);
            return;
        }
        await ForwardWithFailoverAsync(context, route, body.WrittenMemory, log);
    }

    private async Task ForwardWithFailoverAsync(HttpContext context, ResolvedRoute route, ReadOnlyMemory<byte> request, RequestLog log)
    {
        var deadline = DateTime.UtcNow + options.Value.RequestDeadline;
        ulong excluded = 0;
        AttemptResult? last = null;
        for (var attempt = 0; attempt <= route.Spec.Balancer.Retries; attempt++)
        {
            var picked = await PickAsync(context, route, excluded);
            if (picked.Response is not null)
            {
                // No target left to try: report the last failure if there was one, else why there was none.
                if (last is null || picked.Route is null) await picked.Response(context);
                else await WriteFailureAsync(context, route, last);
                return;
            }
            (route, var target) = (picked.Route!, picked.Target!);
            if (target.Problem is not null)
            {
                logger.LogError("Route {Route} target {Target}: {Problem}", route.Name, target, target.Problem);
                await OpenAIError.WriteAsync(context, 503, $"target {target.Index} of route '{route.Name}' is misconfigured on this gateway node: {target.Problem}", OpenAIError.Unavailable);
                return;
            }

            using var rewritten = new ArrayPoolBufferWriter<byte>(request.Length + 256);
            ChatRequestRewriter.Write(request.Span, target, rewritten);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await forwarder.ForwardAsync(context, route, target, rewritten.WrittenMemory, deadline, attempt, log.RequestId);
            Report(route, target, started, result, picked.Local);
            (log.Target, log.Attempts, log.PromptTokens, log.CompletionTokens) =
                (target.Spec.QualifiedModel, attempt + 1, result.PromptTokens, result.CompletionTokens);

            if (result.Delivered || context.RequestAborted.IsCancellationRequested) return;
            last = result;
            excluded |= 1UL << target.Index;
            if (DateTime.UtcNow >= deadline) break;
            logger.LogInformation("Route {Route}: target {Target} failed ({Failure} {Status}); failing over", route.Name, target, result.Failure, result.Status);
        }
        await WriteFailureAsync(context, route, last!);
    }

    /// <summary>
    /// Every attempt failed: the last provider error as the provider sent it when it is OpenAI-shaped JSON, else an
    /// OpenAI-shaped error with its status; 502 when no provider could be reached, 504 when they timed out.
    /// </summary>
    private static async Task WriteFailureAsync(HttpContext context, ResolvedRoute route, AttemptResult last)
    {
        context.Response.Headers["X-Actors-Route"] = route.Name;
        switch (last.Failure)
        {
            case FailureKind.Status when IsOpenAIError(last.FailureBody):
                context.Response.StatusCode = last.Status;
                context.Response.ContentType = last.FailureContentType ?? "application/json";
                context.Response.ContentLength = last.FailureBody!.Length;
                await context.Response.Body.WriteAsync(last.FailureBody, context.RequestAborted);
                return;
            case FailureKind.Status:
                await OpenAIError.WriteAsync(context, last.Status, $"the provider answered HTTP {last.Status} on every attempt", OpenAIError.Upstream);
                return;
            case FailureKind.Timeout:
                await OpenAIError.WriteAsync(context, 504, $"the providers of route '{route.Name}' did not answer within the timeout", OpenAIError.Timeout);
                return;
            default:
                await OpenAIError.WriteAsync(context, 502, $"the providers of route '{route.Name}' could not be reached", OpenAIError.Upstream);
                return;
        }
    }

    private static bool IsOpenAIError(byte[]? body)
    {
        if (body is null || body.Length == 0) return false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
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

    /// <summary>Step 2: reads the whole body up to the limit; writes 413 and returns null when it is larger.</summary>
    private async Task<ArrayPoolBufferWriter<byte>?> ReadBodyAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        var body = await RequestBodies.ReadAsync(context.Request, limit);
        if (body is null) await OpenAIError.WriteAsync(context, 413, $"the request body is larger than {limit} bytes", OpenAIError.InvalidRequest);
        return body;
    }

    /// <summary>A picked target (<paramref name="Local"/>: picked by this node), or the response to send when there is none.</summary>
    private readonly record struct Picked(ResolvedRoute? Route, ResolvedTarget? Target, Func<HttpContext, Task>? Response, bool Local = false);

    /// <summary>
    /// Step 3: one grain call, or a local pick while the grain cannot be reached (<see cref="TargetPicker"/>). The
    /// grain's target list and this node's must agree (same revision).
    /// </summary>
    private async Task<Picked> PickAsync(HttpContext context, ResolvedRoute route, ulong excluded)
    {
        var hashKey = route.Spec.Balancer.Algorithm == BalancerAlgorithms.ConsistentHashing
            && context.Request.Headers.TryGetValue(route.Spec.Balancer.HashOnHeader, out var header) && !string.IsNullOrEmpty(header)
            ? header.ToString()
            : null;
        for (var attempt = 0; ; attempt++)
        {
            RoutePick routePick;
            try
            {
                routePick = await picker.PickAsync(route, excluded, hashKey, context.RequestAborted);
            }
            catch (Exception ex) when (ClusterCalls.IsTransient(ex))
            {
                // A cluster known to be down was logged once when it went down, not once per refused request.
                if (ex is not ClusterUnreachableException) logger.LogWarning("Route {Route}: the cluster is unavailable: {Error}", route.Name, ex.Message);
                return Fail(503, "the gateway cluster is unavailable; try again", OpenAIError.Unavailable);
            }
            var pick = routePick.Pick;
            if (routePick.Local) context.Response.Headers[TargetPicker.Header] = "local";
            else context.Response.Headers.Remove(TargetPicker.Header);

            if (pick.Status == PickStatus.Picked && pick.Revision == route.Spec.Revision && pick.TargetIndex < route.Targets.Count)
                return new Picked(route, route.Targets[pick.TargetIndex], null, routePick.Local);
            if (pick.Status == PickStatus.NoTarget)
            {
                var message = excluded == 0
                    ? $"route '{route.Name}' has no available target: every target's circuit is open"
                    : $"route '{route.Name}' has no other available target";
                return new Picked(route, null, c => OpenAIError.WriteAsync(c, 503, message, OpenAIError.Unavailable));
            }
            if (attempt > 0) return Fail(503, $"route '{route.Name}' is being reconfigured; try again", OpenAIError.Unavailable);

            // This node or the grain is behind the other: catch up with the cluster's config and try once more.
            await configSync.RefreshAsync(context.RequestAborted);
            var refreshed = routes.Current.Find(route.Name);
            if (refreshed is null) return Fail(404, "no Route matched with those values", OpenAIError.NotFound);
            route = refreshed;
        }

        static Picked Fail(int status, string message, string type) =>
            new(null, null, c => OpenAIError.WriteAsync(c, status, message, type));
    }

    /// <summary>
    /// Step 6: tell the route grain how it went (one-way: the client never waits for bookkeeping); the outcome of a
    /// local pick teaches this node's local balancer instead.
    /// </summary>
    private void Report(ResolvedRoute route, ResolvedTarget target, long started, AttemptResult result, bool local)
    {
        var latencyMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        metrics.RecordAttempt(route, target, result, latencyMs);
        var outcome = new TargetOutcome(route.Spec.Revision, target.Index, result.Healthy, result.Status,
            latencyMs, result.PromptTokens, result.CompletionTokens);
        if (local)
        {
            picker.OnLocalOutcome(route, outcome);
            return;
        }
        try
        {
            _ = grains.For(route.Name).Report(outcome);
        }
        catch (Exception ex)
        {
            logger.LogDebug("Route {Route}: outcome not reported: {Error}", route.Name, ex.Message);
        }
    }
}
