using Actors.Api.Errors;
using System.Collections.Concurrent;
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
/// grain, and this node's cap on concurrent requests per route (both 429 with <c>Retry-After</c>). While the cluster is
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
        var key = FindKey(context.Request, keyAuth);
        if (key is null)
        {
            context.Response.Headers.WWWAuthenticate = "Key realm=\"actors\"";
            await OpenAIError.WriteAsync(context, 401, "No API key found in request", OpenAIError.Authentication);
            return false;
        }
        if (table.ConsumerByKeyDigest(ConsumerSpec.DigestKey(key)) is not { } consumer)
        {
            await OpenAIError.WriteAsync(context, 401, "Invalid authentication credentials", OpenAIError.Authentication);
            return false;
        }
        log.Consumer = consumer.Username;
        if (consumer.RateLimit is not { } limit) return true;

        if (cluster.IsDown) return true;
        // As long as a pick would wait: when this node picks on its own, the limiter gets the same short budget.
        var budget = localPicks.Value.LocalPicksWhenClusterDown ? localPicks.Value.LocalPickAfter : options.Value.ClusterCallDeadline;
        RateDecision decision;
        try
        {
            decision = await ClusterCalls.WithRetryAsync(() => limiters.For(consumer.Username).TryTake(limit), budget, _retry, context.RequestAborted);
            cluster.OnAnswered();
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            // The limiter is unreachable: serve rather than fail, the cluster is recovering.
            cluster.OnGaveUp(ex);
            logger.LogWarning("Rate limiter of {Consumer} unavailable: {Error}", consumer.Username, ex.Message);
            return true;
        }
        context.Response.Headers["X-RateLimit-Limit"] = limit.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (decision.Allowed) return true;
        context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await OpenAIError.WriteAsync(context, 429, $"API rate limit exceeded for consumer '{consumer.Username}'", OpenAIError.RateLimit);
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
