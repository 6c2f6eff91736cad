using Actors.Api.Errors;
using Microsoft.Extensions.Options;

namespace Actors.Api.Hosting;

/// <summary>
/// This node's bound on proxied requests in flight (<c>Gateway:MaxConcurrentRequests</c>). Past it a request is
/// refused at once with 503 and <c>Retry-After: 1</c> in its route's error shape, before its body is read: an
/// overloaded node answers the excess fast and explicitly instead of queueing every request behind the others until
/// all of them are slow. The default leaves room for thousands of open streams, which cost little while they wait.
/// </summary>
/// <param name="shapes">Whose error shape a refusal takes; OpenAI's when null.</param>
public sealed class NodeAdmission(RequestDelegate next, IOptions<GatewaySettings> options, ErrorShapeLookup? shapes = null)
{
    private int _inFlight;

    /// <summary>Requests being proxied now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxConcurrentRequests;
        if (Interlocked.Increment(ref _inFlight) > limit && limit > 0)
        {
            Interlocked.Decrement(ref _inFlight);
            context.Response.Headers.RetryAfter = "1";
            await new GatewayError(StatusCodes.Status503ServiceUnavailable, OpenAIError.Unavailable,
                $"the gateway node has {limit} requests in flight, its limit; try again shortly").WriteAsync(context, shapes?.For(context));
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
