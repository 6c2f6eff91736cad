using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Actors.Api.Hosting;

/// <summary>
/// Grain calls from the proxy path. While a dead silo is being voted out, calls to grains it hosted fail fast;
/// they are retried with a short backoff until the deadline, by which time the grain has reactivated elsewhere.
/// </summary>
public static class ClusterCalls
{
    public static async Task<T> WithRetryAsync<T>(Func<Task<T>> call, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var giveUpAt = DateTime.UtcNow + deadline;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (IsTransient(ex) && DateTime.UtcNow + delay < giveUpAt)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }

    public static bool IsTransient(Exception ex) => ex is OrleansMessageRejectionException or SiloUnavailableException
        or ConnectionFailedException or GatewayTooBusyException or OrleansException { InnerException: ConnectionFailedException }
        or TimeoutException;
}
