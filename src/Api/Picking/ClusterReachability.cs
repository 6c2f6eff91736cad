using Actors.Api.Cluster;

namespace Actors.Api.Picking;

/// <summary>
/// Whether this node knows the cluster to be unreachable, so that requests stop waiting for it. The cluster is
/// known down when a grain call fails while no gateway connection is open (every silo gone), or when a call got no
/// answer at all within the pick budget (a timeout, or no connection). A failure the cluster itself reported (a
/// silo rejecting a call for a grain that is moving) is not one: the cluster is there and recovering. While down,
/// a probe asks the config grain for its version every 200 ms; the first answer, or any grain call that succeeds,
/// ends it.
/// </summary>
public sealed class ClusterReachability(
    GatewayConnections gateways,
    Func<Task> probe,
    TimeProvider time,
    ILogger<ClusterReachability> logger)
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private long _downSince; // timestamp of the time provider; 0 while reachable
    private int _probing;

    public bool IsDown => Volatile.Read(ref _downSince) != 0;

    /// <summary>Retries of a grain call that tell this class about each failure and stop once the cluster is known down.</summary>
    /// <param name="boundEachAttempt">Abandon an attempt at the call's deadline (see <see cref="RetryPolicy.BoundEachAttempt"/>).</param>
    public RetryPolicy RetryPolicy(bool boundEachAttempt) => new()
    {
        Time = time,
        BoundEachAttempt = boundEachAttempt,
        OnAttemptFailed = OnAttemptFailed,
        StopRetrying = () => IsDown,
    };

    /// <summary>A grain call succeeded: the cluster is reachable.</summary>
    public void OnAnswered()
    {
        if (!IsDown) return;
        var since = Interlocked.Exchange(ref _downSince, 0);
        if (since != 0) logger.LogWarning("The cluster answers again after {Seconds:F1} s unreachable", time.GetElapsedTime(since).TotalSeconds);
    }

    /// <summary>One attempt of a grain call failed; with no gateway connected, that means nothing can be reached.</summary>
    public void OnAttemptFailed(Exception error)
    {
        if (gateways.NoneConnected && ClusterCalls.IsTransient(error)) MarkDown("no gateway of the cluster can be reached");
    }

    /// <summary>A grain call failed for its whole budget; the last error says whether anything answered.</summary>
    public void OnGaveUp(Exception lastError)
    {
        if (ClusterCalls.IsNoAnswer(lastError)) MarkDown("the cluster did not answer: " + lastError.Message);
    }

    private void MarkDown(string reason)
    {
        if (Interlocked.CompareExchange(ref _downSince, Math.Max(1, time.GetTimestamp()), 0) != 0) return;
        logger.LogWarning("The cluster is unreachable ({Reason}); requests stop waiting for it until it answers again", reason);
        StartProbing();
    }

    private void StartProbing()
    {
        if (Interlocked.Exchange(ref _probing, 1) == 0) _ = ProbeUntilAnsweredAsync();
    }

    private async Task ProbeUntilAnsweredAsync()
    {
        while (IsDown)
        {
            // Probes overlap: one held by a silo that is still starting must not delay the next.
            _ = ProbeOnceAsync();
            await Task.Delay(ProbeInterval, time);
        }
        Volatile.Write(ref _probing, 0);
        // Marked down again between the last check and the flag being cleared: nobody else would start a probe.
        if (IsDown) StartProbing();
    }

    private async Task ProbeOnceAsync()
    {
        try
        {
            await probe().WaitAsync(ProbeTimeout, time);
            OnAnswered();
        }
        catch (Exception ex)
        {
            logger.LogDebug("Cluster probe: {Error}", ex.Message); // still unreachable
        }
    }
}
