using Actors.Api.Picking;
using Actors.Api.Routing;
using Actors.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Actors.Tests.Picking;

/// <summary>
/// The cluster-down state and its probes on a fake clock: the probe interval and timeout are read from it, so the
/// tests move time instead of sleeping. Tests with probes run off xunit's synchronization context, so a probe that
/// <see cref="FakeTimeProvider.Advance"/> makes due has run when <c>Advance</c> returns. The clock is advanced at most
/// one probe interval at a time: a timer set inside a callback counts from the time <c>Advance</c> jumped to.
/// </summary>
public class ClusterReachabilityTests
{
    private readonly GatewayConnections _gateways = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly ListLogger<ClusterReachability> _log = new();
    private readonly TaskCompletionSource _held = new();
    private volatile bool _clusterAnswers;
    /// <summary>Probes not answered yet are held (a silo still starting) instead of refused.</summary>
    private volatile bool _probesHang;
    private int _probes;

    private ClusterReachability Create() => new(_gateways, () =>
    {
        Interlocked.Increment(ref _probes);
        if (_clusterAnswers) return Task.CompletedTask;
        return _probesHang ? _held.Task : Task.FromException(new ConnectionFailedException("refused"));
    }, _clock, _log);

    private int Probes => Volatile.Read(ref _probes);

    private static Task Unbound(Action test) => Task.Run(test);

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
    public Task A_failed_attempt_with_no_gateway_connected_is_a_cluster_down_until_a_probe_is_answered() => Unbound(() =>
    {
        var cluster = Create();
        _gateways.NotifyGatewayCountChanged(0, 1, false);

        cluster.OnAttemptFailed(new ConnectionFailedException("refused"));
        Assert.True(cluster.IsDown);
        Assert.Equal(1, Probes);                                   // the first probe goes at once
        _clock.Advance(ClusterReachability.ProbeInterval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Probes);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, Probes);                                   // probes go on while the cluster does not answer
        _clock.Advance(ClusterReachability.ProbeInterval);
        Assert.Equal(3, Probes);
        Assert.True(cluster.IsDown);

        _clusterAnswers = true;
        _clock.Advance(ClusterReachability.ProbeInterval);
        Assert.Equal(4, Probes);
        Assert.False(cluster.IsDown);                              // the first answered probe ends it
        Assert.Contains("The cluster answers again after 0.6 s unreachable", _log.Messages(LogLevel.Warning));

        _clock.Advance(ClusterReachability.ProbeInterval * 10);
        Assert.Equal(4, Probes);                                   // and the probing stops
    });

    [Fact]
    public Task A_probe_held_by_the_cluster_does_not_delay_the_next_and_is_given_up_after_its_timeout() => Unbound(() =>
    {
        _probesHang = true;
        var cluster = Create();

        cluster.OnGaveUp(new TimeoutException());
        for (var i = 0; i < 4; i++) _clock.Advance(ClusterReachability.ProbeInterval);
        Assert.Equal(5, Probes);                                   // one every 200 ms, though none has answered
        _clock.Advance(ClusterReachability.ProbeTimeout - ClusterReachability.ProbeInterval * 4 - TimeSpan.FromMilliseconds(1));
        Assert.DoesNotContain(_log.Entries, e => e.Message.StartsWith("Cluster probe:", StringComparison.Ordinal));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Debug && e.Message.StartsWith("Cluster probe:", StringComparison.Ordinal));
        Assert.True(cluster.IsDown);

        _clusterAnswers = true;
        _clock.Advance(ClusterReachability.ProbeInterval);
        Assert.False(cluster.IsDown);
        Assert.Equal(7, Probes);
    });

    [Fact]
    public void A_call_that_got_no_answer_for_its_whole_budget_is_a_cluster_down_and_any_answer_ends_it()
    {
        var cluster = Create();

        cluster.OnGaveUp(new TimeoutException());
        Assert.True(cluster.IsDown);
        _clock.Advance(TimeSpan.FromSeconds(2.5));

        cluster.OnAnswered();
        Assert.False(cluster.IsDown);
        Assert.Contains("The cluster answers again after 2.5 s unreachable", _log.Messages(LogLevel.Warning));
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

    [Fact]
    public void Its_retry_policies_run_on_its_clock()
    {
        var cluster = Create();

        Assert.Same(_clock, cluster.RetryPolicy(boundEachAttempt: true).Time);
        Assert.Same(_clock, cluster.RetryPolicy(boundEachAttempt: false).Time);
    }
}
