using Actors.Api.Picking;
using System.Diagnostics;
using Actors.Api.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Actors.Tests.Picking;

public class ClusterReachabilityTests
{
    private readonly GatewayConnections _gateways = new();
    private volatile bool _clusterAnswers;
    private int _probes;

    private ClusterReachability Create() => new(_gateways, () =>
    {
        Interlocked.Increment(ref _probes);
        return _clusterAnswers ? Task.CompletedTask : Task.FromException(new ConnectionFailedException("refused"));
    }, TimeProvider.System, NullLogger<ClusterReachability>.Instance);

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(20);
        return condition();
    }

    [Fact]
    public void A_failed_attempt_while_gateways_are_connected_is_a_cluster_in_recovery_not_a_cluster_down()
    {
        var cluster = Create();
        _gateways.NotifyGatewayCountChanged(2, 3, false);

        cluster.OnAttemptFailed(new ConnectionFailedException("one silo died"));
        cluster.OnGaveUp(new SiloUnavailableException("the grain's silo is gone"));

        Assert.False(cluster.IsDown);
    }

    [Fact]
    public async Task A_failed_attempt_with_no_gateway_connected_is_a_cluster_down_until_a_probe_is_answered()
    {
        var cluster = Create();
        _gateways.NotifyGatewayCountChanged(0, 1, false);

        cluster.OnAttemptFailed(new ConnectionFailedException("refused"));
        Assert.True(cluster.IsDown);
        Assert.True(await EventuallyAsync(() => Volatile.Read(ref _probes) >= 2), "probes go on while the cluster does not answer");
        Assert.True(cluster.IsDown);

        _clusterAnswers = true;
        Assert.True(await EventuallyAsync(() => !cluster.IsDown), "the first answered probe ends it");
        var probes = Volatile.Read(ref _probes);
        await Task.Delay(ClusterReachability.ProbeInterval * 3);
        Assert.InRange(Volatile.Read(ref _probes), probes, probes + 1); // and the probing stops
    }

    [Fact]
    public void A_call_that_got_no_answer_for_its_whole_budget_is_a_cluster_down_and_any_answer_ends_it()
    {
        var cluster = Create();

        cluster.OnGaveUp(new TimeoutException());
        Assert.True(cluster.IsDown);

        cluster.OnAnswered();
        Assert.False(cluster.IsDown);
        cluster.OnGaveUp(new OrleansException("not sent", new ConnectionFailedException("refused")));
        Assert.True(cluster.IsDown);
    }

    [Fact]
    public void Without_reports_from_an_Orleans_client_the_gateway_count_is_unknown_not_zero()
    {
        var cluster = Create();

        cluster.OnAttemptFailed(new SiloUnavailableException());

        Assert.False(_gateways.NoneConnected);
        Assert.False(cluster.IsDown);
    }
}
