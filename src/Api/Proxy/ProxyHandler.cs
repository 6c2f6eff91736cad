using Actors.Api.Cluster;
using Actors.Api.Configuration;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Logging;
using Actors.Api.Hosting;
using Actors.Api.Picking;
using Actors.Api.Providers.Exchanges;
using Actors.Api.Proxy.Kinds;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Options;

namespace Actors.Api.Proxy;

/// <summary>
/// The proxy pipeline. Each step is named here once; the file that does it says "Step N (Name)":
/// <list type="number">
/// <item><b>Match</b>: the path to a route (<see cref="RouteTable"/>); the route's <see cref="RequestKind"/> (its
/// targets' <c>route_type</c>) says which methods it takes (POST, any for <c>preserve</c>).</item>
/// <item><b>Admit</b>: key-auth, the consumer's rate limit, the route's cap on requests in flight (<see cref="ClientAccess"/>).</item>
/// <item><b>Read</b>: the body, within the route's <c>max_request_body_size</c> and <c>Gateway:MaxRequestBodyBytes</c>, and
/// <c>Gateway:RequestDeadline</c> (<see cref="RequestBodyReader"/>).</item>
/// <item><b>Check</b>: it is a request of the route's kind in the route's client format (<see cref="RequestCheck"/>) the
/// route's <c>response_streaming</c> lets through (<see cref="ResponseStreamingPolicy"/>).</item>
/// <item><b>Pick</b>: a target from the route's grain, leaving out the ones that failed (<see cref="ITargetPicker"/>).</item>
/// <item><b>Prepare</b>: the provider's request, as the target's exchange writes it: rewritten byte for byte, translated
/// by the provider's driver, or through the client format's codec (<see cref="Providers.Exchanges.TargetExchange"/>).</item>
/// <item><b>Forward</b>: send it, then pass the response through or translate it, reading usage as the bytes pass
/// (<see cref="UpstreamForwarder"/>).</item>
/// <item><b>Report</b>: the attempt's outcome to the route grain, one-way (<see cref="ITargetPicker.Report"/>).</item>
/// <item><b>Answer</b>: when no provider response reached the client, the outcome as a status and an OpenAI error
/// (<see cref="ProxyOutcomes"/>).</item>
/// </list>
/// Steps 5–8 repeat when an attempt fails in a way the route fails over on, up to <c>balancer.retries</c> more times.
/// </summary>
public sealed class ProxyHandler(
    RouteTableHolder routes,
    IConfigRefresher config,
    ITargetPicker picker,
    UpstreamForwarder forwarder,
    ClientAccess access,
    Telemetry.GatewayMetrics metrics,
    Logging.RequestLogSink requestLog,
    Routing.Semantic.SemanticSelector semantic,
    IOptions<GatewaySettings> options,
    TimeProvider time,
    ILogger<ProxyHandler> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var log = new RequestLog(RequestLog.IdFor(context));
        context.Response.Headers[RequestLog.Header] = log.RequestId;
        try
        {
            var answer = await HandleAsync(context, log);
            // 9. Answer
            if (answer is not null && !context.RequestAborted.IsCancellationRequested)
                await ProxyOutcomes.WriteAsync(context, log.Route, answer, log.Route is { } name ? routes.Current.Find(name)?.ClientFormat : null);
        }
        finally
        {
            log.Write(requestLog, logger, context.Response.StatusCode);
        }
    }

    /// <returns>What to answer, or null when the answer was sent already (a provider's response, or a refusal by <see cref="ClientAccess"/>).</returns>
    private async Task<ProxyAnswer?> HandleAsync(HttpContext context, RequestLog log)
    {
        var deadline = time.GetUtcNow() + options.Value.RequestDeadline;
        // 1. Match
        var route = await MatchAsync(context);
        if (route is null) return new ProxyAnswer(ProxyOutcome.RouteNotFound);
        log.Route = route.Name;
        if (!route.Kind.Accepts(context.Request.Method)) return new ProxyAnswer(ProxyOutcome.MethodNotAllowed);

        // 2. Admit
        if (!await access.AdmitAsync(context, routes.Current, route, log)) return null;
        using var slot = access.TryEnter(route);
        if (slot is null) return new ProxyAnswer(ProxyOutcome.RouteBusy);

        // 3. Read
        var read = await RequestBodyReader.ReadAsync(context.Request, route.MaxRequestBodyBytes(options.Value.MaxRequestBodyBytes), deadline, options.Value.RequestDeadline, time);
        using var body = read.Bytes;
        if (body is null) return read.Refusal;

        // 4. Check. Socket completions run inline on the socket threads (SocketCompletions): checking a large body
        // there would hold up every other connection on that thread, so it moves to the thread pool first.
        if (body.WrittenCount > 64 * 1024) await Task.Yield();
        if (RequestCheck.Check(route, context.Request.Path.Value ?? "/", body.WrittenMemory, out var request) is { } refused) return refused;
        var streaming = ResponseStreamingPolicy.Apply(route.Spec.ResponseStreaming, body.WrittenMemory, request, canRewrite: route.ClientFormat is null && route.Kind.Streams);
        using var forcedStream = streaming.Rewritten;
        if (streaming.Refusal is not null) return new ProxyAnswer(ProxyOutcome.InvalidRequest, streaming.Refusal);

        return await ForwardWithFailoverAsync(context, route, new ClientRequest(streaming.Body, streaming.Info, deadline), log);
    }

    private async Task<ResolvedRoute?> MatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var route = routes.Current.Match(path);
        if (route is not null || routes.Current.Version != 0) return route;
        // Just started and no config seen yet: fetch it now instead of answering 404 until the first poll.
        try
        {
            await config.RefreshAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            logger.LogWarning("Config refresh failed: {Error}", ex.Message);
        }
        return routes.Current.Match(path);
    }

    /// <summary>The checked request, as every attempt sends it.</summary>
    private sealed record ClientRequest(ReadOnlyMemory<byte> Body, ChatRequestInfo Info, DateTimeOffset Deadline);

    /// <summary>Steps 5–8, once per target until one answers, the route stops failing over, or time runs out.</summary>
    private async Task<ProxyAnswer?> ForwardWithFailoverAsync(HttpContext context, ResolvedRoute route, ClientRequest request, RequestLog log)
    {
        // A model that is a target's model_alias leaves the other targets out from the start.
        var excluded = route.Aliases.Excluded(request.Info.Model);
        // semantic: the targets outside the prompt's closest description are left out the same way.
        if (excluded == 0 && route.Semantic is { } semanticRoute)
        {
            var choice = await semantic.ChooseAsync(route, semanticRoute, request.Body, context.RequestAborted);
            if (choice.Failure is { } failure) return new ProxyAnswer(choice.Misconfigured ? ProxyOutcome.EmbeddingsMisconfigured : ProxyOutcome.EmbeddingsFailed, failure);
            excluded = choice.Excluded;
        }
        (AttemptResult Result, int Target)? last = null;
        // Targets that asked this request for a pause: picked again, every other one was tried (the grain may not
        // have heard of the pause yet), so the answer is the pause, not another call to a rate-limited provider.
        var cooling = new RequestCooldowns();
        for (var number = 0; number <= route.Spec.Balancer.Retries; number++)
        {
            // 5. Pick
            var (picked, target, refusal, pick) = await PickAsync(context, route, excluded);
            route = picked;
            if (target is null)
            {
                // No target left to try: report the last failure if there was one, else why there was none.
                // (Every target cooling is answered as such: a 429 with the time the providers named.)
                var noneLeft = refusal!.Outcome is ProxyOutcome.NoOtherTarget or ProxyOutcome.NoTargetAvailable;
                return noneLeft && last is { } failed ? ProxyOutcomes.ForAttempt(failed.Result, failed.Target) : refusal;
            }
            if (cooling.Covers(target.Index, time.GetUtcNow()) is { } wait) return new ProxyAnswer(ProxyOutcome.TargetsCooling, RetryAfter: wait);
            if (target.Problem is not null)
            {
                logger.LogError("Route {Route} target {Target}: {Problem}", route.Name, target, target.Problem);
                return new ProxyAnswer(ProxyOutcome.TargetMisconfigured, target.Problem, Target: target.Index);
            }

            var (result, prepareError) = await AttemptAsync(context, route, new Attempt(target, number, pick), request, log);
            if (result is null) return new ProxyAnswer(ProxyOutcome.InvalidRequest, prepareError);
            if (result.Delivered || context.RequestAborted.IsCancellationRequested) return null;
            last = (result, target.Index);
            if (result.Cooldown is { } cooldown) cooling.Add(target.Index, time.GetUtcNow() + cooldown);
            // an answer made of this failure says how many tries it took, as a provider's answer does
            context.Response.Headers[HeaderTransformer.AttemptsHeader] = log.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!result.FailsOver || time.GetUtcNow() >= request.Deadline) break;
            excluded = Tried(excluded, target.Index);
            logger.LogInformation("Route {Route}: target {Target} failed ({Failure} {Status}); failing over", route.Name, target, result.Error, result.Status);
        }
        return ProxyOutcomes.ForAttempt(last!.Value.Result, last.Value.Target);
    }

    /// <summary>
    /// The targets to leave out of the next pick. A target picked again although it was left out means every other
    /// one was tried or is unavailable and the picker started over (as Kong's balancer does): so does the set.
    /// </summary>
    private static ulong Tried(ulong excluded, int target)
    {
        var bit = 1UL << target;
        return (excluded & bit) != 0 ? bit : excluded | bit;
    }

    /// <summary>The cooldowns the providers of one request's attempts asked for, and the earliest end among them.</summary>
    private struct RequestCooldowns
    {
        private ulong _targets;
        private DateTimeOffset _earliestEnd;

        public void Add(int target, DateTimeOffset end)
        {
            _earliestEnd = _targets == 0 || end < _earliestEnd ? end : _earliestEnd;
            _targets |= 1UL << target;
        }

        /// <returns>How long until the first of them ends, when <paramref name="target"/> is one; else null.</returns>
        public readonly TimeSpan? Covers(int target, DateTimeOffset now) =>
            (_targets & (1UL << target)) != 0 && _earliestEnd > now ? _earliestEnd - now : null;
    }

    /// <summary>One try at one target: which, the how-manieth for this request, and the pick that chose it.</summary>
    private readonly record struct Attempt(ResolvedTarget Target, int Number, PickResult Pick);

    /// <summary>Steps 6–8 for one target.</summary>
    /// <returns>The attempt's result, or null and why when the target's driver cannot express the request.</returns>
    private async Task<(AttemptResult? Result, string? PrepareError)> AttemptAsync(HttpContext context, ResolvedRoute route, Attempt next,
        ClientRequest request, RequestLog log)
    {
        var (target, number) = (next.Target, next.Number);
        // 6. Prepare: first the target's model for this request (Kong's templates, an unset model.name), then its body
        if (target.DependsOnRequest)
        {
            var filled = target.ForRequest(request.Info.Model, RequestValues.Lookup(context, route), out var templateError);
            if (filled is null) return (null, templateError);
            target = filled;
        }
        using var buffer = new ArrayPoolBufferWriter<byte>(request.Body.Length + 256);
        if (target.Exchange!.Prepare(new ExchangeRequest(context.Request, request.Body, request.Info), buffer, out var error) is not { } prepared) return (null, error);

        // 7. Forward
        using var attempt = new ForwardAttempt(context, route, target, prepared, number, request.Deadline, log.RequestId, time);
        var tee = target.Spec.Logging.LogPayloads ? new PayloadCapture.ResponseTee(context.Response.Body) : null;
        if (tee is not null) context.Response.Body = tee;
        AttemptResult result;
        try
        {
            result = await forwarder.ForwardAsync(attempt);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away before the provider answered. Not the target's fault (no latency, no failure), but
            // its pick still gets its one outcome: least-connections counts the request in flight until then.
            picker.Report(route, new TargetOutcome(route.Spec.Revision, target.Index, true, -1, 0, 0), next.Pick);
            throw;
        }
        finally
        {
            if (tee is not null) context.Response.Body = tee.Inner;
        }
        (log.RequestPayload, log.ResponsePayload) = tee is null ? (null, null)
            : (PayloadCapture.Text(request.Body.Span, request.Body.Length), tee.Text());

        // 8. Report
        var latencyMs = attempt.ElapsedMs;
        metrics.RecordAttempt(route, target, result, latencyMs);
        picker.Report(route, new TargetOutcome(route.Spec.Revision, target.Index, result.Healthy,
            latencyMs, result.PromptTokens, result.CompletionTokens, (long)(result.Cooldown?.TotalMilliseconds ?? 0)), next.Pick);
        (log.Target, log.Attempts, log.PromptTokens, log.CompletionTokens) =
            (target.Spec.QualifiedModel, number + 1, result.PromptTokens, result.CompletionTokens);
        return (result, null);
    }

    /// <summary>
    /// Step 5: one pick. When the picker's target list and this node's disagree, this node catches up with the
    /// cluster's config and tries once more.
    /// </summary>
    private async Task<(ResolvedRoute Route, ResolvedTarget? Target, ProxyAnswer? Refusal, PickResult Pick)> PickAsync(HttpContext context, ResolvedRoute route, ulong excluded)
    {
        var hashKey = HashKey(context, route);
        for (var tries = 0; ; tries++)
        {
            var pick = await picker.PickAsync(route, excluded, hashKey, context.RequestAborted);
            // Marks a response whose target this node picked on its own, the cluster being unreachable.
            if (pick.Local) context.Response.Headers[LocalPickHeader] = "local";
            else context.Response.Headers.Remove(LocalPickHeader);
            switch (pick.Outcome)
            {
                case PickOutcome.Picked: return (route, route.Targets[pick.TargetIndex], null, pick);
                case PickOutcome.NoTarget: return (route, null, new ProxyAnswer(excluded == 0 ? ProxyOutcome.NoTargetAvailable : ProxyOutcome.NoOtherTarget), pick);
                case PickOutcome.ClusterUnavailable: return (route, null, new ProxyAnswer(ProxyOutcome.ClusterUnavailable), pick);
                case PickOutcome.Cooling: return (route, null, new ProxyAnswer(ProxyOutcome.TargetsCooling, RetryAfter: pick.RetryAfter), pick);
            }
            if (tries > 0) return (route, null, new ProxyAnswer(ProxyOutcome.RouteReconfiguring), pick);
            await config.RefreshAsync(context.RequestAborted);
            if (routes.Current.Find(route.Name) is not { } refreshed) return (route, null, new ProxyAnswer(ProxyOutcome.RouteNotFound), pick);
            route = refreshed;
        }
    }

    public const string LocalPickHeader = "X-Actors-Pick";

    private static string? HashKey(HttpContext context, ResolvedRoute route) =>
        route.Spec.Balancer.Algorithm == BalancerAlgorithms.ConsistentHashing
        && context.Request.Headers.TryGetValue(route.Spec.Balancer.HashOnHeader, out var header) && !string.IsNullOrEmpty(header)
            ? header.ToString()
            : null;
}
