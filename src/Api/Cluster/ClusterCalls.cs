using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Actors.Api.Cluster;

/// <summary>
/// Grain calls from the proxy path. While a dead silo is being voted out, calls to grains it hosted fail fast;
/// they are retried with a short backoff until the deadline, by which time the grain has reactivated elsewhere.
/// </summary>
public static class ClusterCalls
{
    /// <summary>
    /// Retries <paramref name="call"/> on transient failures until <paramref name="deadline"/>. With
    /// <see cref="RetryPolicy.BoundEachAttempt"/> an attempt that has not answered by the deadline is abandoned
    /// (<see cref="TimeoutException"/>) instead of running to its own response timeout. Time is the policy's
    /// <see cref="RetryPolicy.Time"/>: the deadline, the backoff and the bound of an attempt.
    /// </summary>
    public static async Task<T> WithRetryAsync<T>(Func<Task<T>> call, TimeSpan deadline, RetryPolicy policy, CancellationToken cancellationToken)
    {
        var time = policy.Time;
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                var attempt = call();
                return policy.BoundEachAttempt
                    ? await attempt.WaitAsync(Remaining(time, started, deadline), time, cancellationToken)
                    : await attempt;
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                policy.OnAttemptFailed?.Invoke(ex);
                if (time.GetElapsedTime(started) + delay >= deadline || policy.StopRetrying?.Invoke() == true) throw;
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }

    private static TimeSpan Remaining(TimeProvider time, long started, TimeSpan deadline)
    {
        var left = deadline - time.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public static bool IsTransient(Exception ex) => ex is OrleansMessageRejectionException or SiloUnavailableException
        or ConnectionFailedException or GatewayTooBusyException or OrleansException { InnerException: ConnectionFailedException }
        or TimeoutException;

    /// <summary>
    /// The call got no answer from any silo: it timed out, or no connection to a gateway could be made. A rejection
    /// that a silo sent back (the grain's silo died and the grain is moving) is an answer: the cluster is there.
    /// </summary>
    public static bool IsNoAnswer(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is TimeoutException or ConnectionFailedException) return true;
        return false;
    }
}

/// <summary>How <see cref="ClusterCalls.WithRetryAsync{T}(Func{Task{T}}, TimeSpan, RetryPolicy, CancellationToken)"/> retries.</summary>
public sealed record RetryPolicy
{
    /// <summary>The clock of the deadline and the backoff.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Abandon an attempt still running at the deadline instead of waiting for its own timeout.</summary>
    public bool BoundEachAttempt { get; init; }

    /// <summary>Told about every failed attempt.</summary>
    public Action<Exception>? OnAttemptFailed { get; init; }

    /// <summary>Asked after each failed attempt; true ends the retries at once (e.g. the cluster is known down).</summary>
    public Func<bool>? StopRetrying { get; init; }
}
