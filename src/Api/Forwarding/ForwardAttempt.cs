using System.Diagnostics;
using System.Globalization;
using Actors.Api.Routing;

namespace Actors.Api.Forwarding;

/// <summary>
/// One attempt at one target: what is sent, to whom, and the attempt's timeouts. One cancellation source serves
/// connect + write + read (capped by the request's deadline), then each read of the body (<c>read_timeout</c> of
/// silence); it is linked to the client's abort, so a client that goes away cancels the provider call.
/// </summary>
public sealed class ForwardAttempt : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly TimeProvider _time;

    /// <param name="number">0 for the first attempt of the request.</param>
    /// <param name="deadline">When the request as a whole runs out of time for a response to start.</param>
    public ForwardAttempt(HttpContext context, ResolvedRoute route, ResolvedTarget target, PreparedRequest request,
        int number, DateTimeOffset deadline, string requestId, TimeProvider time)
    {
        (Context, Route, Target, Request, Number, Deadline, RequestId, _time) = (context, route, target, request, number, deadline, requestId, time);
        var balancer = route.Spec.Balancer;
        ReadTimeout = TimeSpan.FromMilliseconds(balancer.ReadTimeoutMs);
        WriteTimeout = TimeSpan.FromMilliseconds(balancer.WriteTimeoutMs);
        _timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        // Connecting is bounded by the handler's connect_timeout and writing by write_timeout; the read timeout
        // (time to the response headers) starts once the body is sent (BodySent).
        _timeout.CancelAfter(Capped(TimeSpan.FromMilliseconds(balancer.ConnectTimeoutMs) + WriteTimeout + ReadTimeout));
    }

    public HttpContext Context { get; }
    public ResolvedRoute Route { get; }
    public ResolvedTarget Target { get; }
    public PreparedRequest Request { get; }

    /// <summary>The provider request's method; a non-idempotent one (POST) is not sent twice unless <c>non_idempotent</c> is listed.</summary>
    public HttpMethod Method => Request.Method;
    public int Number { get; }
    public DateTimeOffset Deadline { get; }
    public string RequestId { get; }
    public TimeSpan ReadTimeout { get; }
    public TimeSpan WriteTimeout { get; }
    public long Started { get; } = Stopwatch.GetTimestamp();

    /// <summary>How the answer reaches the client, as the target's exchange decided when it prepared the request.</summary>
    public Providers.Exchanges.ProviderAnswer Answer => Request.Answer;

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>Cancelled when the current phase's timeout passes or the client goes away.</summary>
    public CancellationToken Timeout => _timeout.Token;

    public string AttemptsHeader => (Number + 1).ToString(CultureInfo.InvariantCulture);

    public double ElapsedMs => Stopwatch.GetElapsedTime(Started).TotalMilliseconds;

    /// <summary>The body is on the wire: from now the provider has <c>read_timeout</c> to answer.</summary>
    public void BodySent() => _timeout.CancelAfter(Capped(ReadTimeout));

    /// <summary>Arms the idle timeout for one read of the response body and returns its token.</summary>
    public CancellationToken NextRead()
    {
        _timeout.CancelAfter(ReadTimeout);
        return _timeout.Token;
    }

    /// <summary>
    /// As <see cref="NextRead"/>, for a body read before any of it reaches the client (held back for failover, or
    /// read whole to translate): the request's deadline still bounds it, so a provider dripping its answer cannot
    /// hold the client past <c>Gateway:RequestDeadline</c>.
    /// </summary>
    public CancellationToken NextReadBeforeAnswer()
    {
        _timeout.CancelAfter(Capped(ReadTimeout));
        return _timeout.Token;
    }

    private TimeSpan Capped(TimeSpan t) => TimeSpan.FromTicks(Math.Max(0, Math.Min(t.Ticks, (Deadline - _time.GetUtcNow()).Ticks)));

    public void Dispose() => _timeout.Dispose();
}
