using Actors.Api.Cluster;
using Actors.Api.Errors;
using System.Collections.Concurrent;
using System.Globalization;
using Actors.Api.Hosting;
using Actors.Api.Picking;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Consumers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Actors.Api.Proxy;

/// <summary>
/// Step 2 (Admit) of the pipeline (<see cref="ProxyHandler"/>). Who may call a route and how much: Kong's
/// <c>key-auth</c> (401 without a valid key), the consumer's <c>rate-limiting</c> bucket enforced cluster-wide by its
/// grain, and this node's cap on concurrent requests per route (both 429 with <c>Retry-After</c>); refusals take the
/// route's error shape (<see cref="ResolvedRoute.Errors"/>). While the cluster is
/// unreachable the limit is not enforced: requests are served (picked locally) rather than held or refused.
/// </summary>
public sealed class ClientAccess(
    GrainReferences<IConsumerLimiterGrain> limiters,
    ClusterReachability cluster,
    IOptions<GatewaySettings> options,
    IOptions<LocalPickOptions> localPicks,
    ILogger<ClientAccess> logger)
{
    private readonly ConcurrentDictionary<string, int[]> _inFlight = new(StringComparer.Ordinal);
    private readonly RetryPolicy _retry = cluster.RetryPolicy(boundEachAttempt: localPicks.Value.LocalPicksWhenClusterDown);

    /// <summary>For a pipeline with no cluster behind it (the start-up warm-up, in-process tests): no consumer limiter is reachable.</summary>
    public static ClientAccess Detached(IOptions<GatewaySettings> options) => new(
        new GrainReferences<IConsumerLimiterGrain>(null!),
        new ClusterReachability(new GatewayConnections(), () => Task.CompletedTask, TimeProvider.System, NullLogger<ClusterReachability>.Instance),
        options, Options.Create(new LocalPickOptions()), NullLogger<ClientAccess>.Instance);

    /// <summary>Checks key and rate limit; writes the refusal and returns false when the request may not go on.</summary>
    public async Task<bool> AdmitAsync(HttpContext context, RouteTable table, ResolvedRoute route, RequestLog log)
    {
        if (route.Spec.KeyAuth is not { } keyAuth) return true;
        if (await AuthenticateAsync(context, table, keyAuth, route.Errors) is not { } consumer) return false;
        log.Consumer = consumer.Username;
        if (consumer.RateLimit is not { } limit || cluster.IsDown) return true;
        return await TryTakeAsync(consumer, limit, context.RequestAborted) is not { } decision
            || await AnswerLimitAsync(context, consumer, limit, decision, route.Errors);
    }

    /// <summary>The consumer whose key the request carries; null once the 401 is written.</summary>
    private static async Task<ConsumerSpec?> AuthenticateAsync(HttpContext context, RouteTable table, KeyAuthSpec keyAuth, IErrorShape errors)
    {
        var key = FindKey(context.Request, keyAuth);
        if (key is null)
        {
            context.Response.Headers.WWWAuthenticate = "Key realm=\"actors\"";
            await new GatewayError(401, OpenAIError.Authentication, "No API key found in request").WriteAsync(context, errors);
            return null;
        }
        if (table.ConsumerByKeyDigest(ConsumerSpec.DigestKey(key)) is { } consumer) return consumer;
        await new GatewayError(401, OpenAIError.Authentication, "Invalid authentication credentials").WriteAsync(context, errors);
        return null;
    }

    /// <summary>The decision of the consumer's limiter grain; null when it cannot be reached, and the request is served.</summary>
    private async Task<RateDecision?> TryTakeAsync(ConsumerSpec consumer, RateLimitSpec limit, CancellationToken aborted)
    {
        // As long as a pick would wait: when this node picks on its own, the limiter gets the same short budget.
        var budget = localPicks.Value.RequestBudget(options.Value.ClusterCallDeadline);
        try
        {
            var decision = await ClusterCalls.WithRetryAsync(() => limiters.For(consumer.Username).TryTake(limit), budget, _retry, aborted);
            cluster.OnAnswered();
            return decision;
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            // The limiter is unreachable: serve rather than fail, the cluster is recovering.
            cluster.OnGaveUp(ex);
            logger.LogWarning("Rate limiter of {Consumer} unavailable: {Error}", consumer.Username, ex.Message);
            return null;
        }
    }

    /// <summary>Writes the rate-limit headers, and the 429 when the bucket is empty; true when the request may go on.</summary>
    private static async Task<bool> AnswerLimitAsync(HttpContext context, ConsumerSpec consumer, RateLimitSpec limit, RateDecision decision, IErrorShape errors)
    {
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = limit.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        if (decision.Allowed) return true;
        headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await new GatewayError(429, OpenAIError.RateLimit, $"API rate limit exceeded for consumer '{consumer.Username}'").WriteAsync(context, errors);
        return false;
    }

    private static string? FindKey(HttpRequest request, KeyAuthSpec keyAuth)
    {
        foreach (var name in keyAuth.KeyNames)
        {
            if (keyAuth.KeyInHeader && request.Headers.TryGetValue(name, out var header) && !string.IsNullOrEmpty(header)) return header.ToString();
            if (keyAuth.KeyInQuery && request.Query.TryGetValue(name, out var query) && !string.IsNullOrEmpty(query)) return query.ToString();
        }
        return null;
    }

    /// <summary>Takes a slot of the route's concurrency cap on this node; dispose the result to give it back.</summary>
    public IDisposable? TryEnter(ResolvedRoute route)
    {
        var cap = options.Value.MaxConcurrentRequestsPerRoute;
        if (cap <= 0) return Slot.None;
        var counter = _inFlight.GetOrAdd(route.Name, _ => new int[1]);
        if (Interlocked.Increment(ref counter[0]) <= cap) return new Slot(counter);
        Interlocked.Decrement(ref counter[0]);
        return null;
    }

    private sealed class Slot(int[]? counter) : IDisposable
    {
        public static readonly Slot None = new(null);
        public void Dispose()
        {
            if (counter is not null) Interlocked.Decrement(ref counter[0]);
        }
    }
}
