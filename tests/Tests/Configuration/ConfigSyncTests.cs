using System.Reflection;
using Actors.Api.Configuration;
using Actors.Api.Hosting;
using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;
using Actors.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Actors.Tests.Configuration;

/// <summary>
/// The node's config poll on a fake clock: its interval and the length of an outage are read from the clock, so the
/// test moves time; the poll is an hour apart, which a real timer would never reach while the test runs.
/// </summary>
public sealed class ConfigSyncTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeConfigGrain _grain = new();
    private readonly RouteTableHolder _table = new(ProviderRegistry.Default);
    private readonly ListLogger<ConfigSync> _log = new();
    private readonly ConfigSync _sync;

    public ConfigSyncTests()
    {
        var cluster = DispatchProxy.Create<IClusterClient, OneGrainClient>();
        ((OneGrainClient)(object)cluster).Grain = _grain;
        _sync = new ConfigSync(cluster, _table, Options.Create(new GatewaySettings { ConfigPollInterval = Interval }), _clock, _log);
    }

    public async Task InitializeAsync()
    {
        await _sync.StartAsync(CancellationToken.None);
        await _grain.PolledAsync(); // the first poll is at start; the poll timer is made before it
    }

    public async Task DisposeAsync()
    {
        await _sync.StopAsync(CancellationToken.None);
        _sync.Dispose();
    }

    [Fact]
    public async Task Polls_once_per_interval_of_its_clock_and_installs_a_new_version()
    {
        _grain.Config = new GatewayConfig { Version = 1, Epoch = "e1" };
        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(1, _grain.Polls);
        Assert.Equal(0, _table.Current.Config.Version);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await _grain.PolledAsync();
        await _log.LoggedAsync(m => m.StartsWith("Route table at config version 1", StringComparison.Ordinal));

        Assert.Equal(2, _grain.Polls);
        Assert.Equal(new ConfigStamp("e1", 1), _table.Current.Config.Stamp);
        Assert.True(_sync.Connected);
    }

    [Fact]
    public async Task An_outage_is_warned_of_once_and_its_length_is_measured_on_the_clock()
    {
        _grain.Failing = true;
        _clock.Advance(Interval);
        await _grain.PolledAsync();
        await _log.LoggedAsync(m => m.StartsWith("Config refresh failed, retrying every", StringComparison.Ordinal));
        _clock.Advance(Interval);
        await _grain.PolledAsync();
        await _log.LoggedAsync(m => _log.Messages(LogLevel.Debug).Count == 1);
        Assert.False(_sync.Connected);

        _grain.Failing = false;
        _clock.Advance(Interval);
        await _grain.PolledAsync();
        await _log.LoggedAsync(m => m.StartsWith("Config refresh works again", StringComparison.Ordinal));

        Assert.Equal(["Config refresh failed, retrying every 01:00:00: the cluster is away", "Config refresh works again after 7200.0 s"],
            _log.Messages(LogLevel.Warning));
        Assert.True(_sync.Connected);
    }

    /// <summary>An <see cref="IClusterClient"/> whose every grain is the one given.</summary>
    public class OneGrainClient : DispatchProxy
    {
        public object? Grain { get; set; }

        protected override object? Invoke(MethodInfo? method, object?[]? args) =>
            method?.Name == nameof(IGrainFactory.GetGrain) ? Grain : throw new NotSupportedException(method?.Name);
    }

    private sealed class FakeConfigGrain : IConfigGrain
    {
        private readonly SemaphoreSlim _polled = new(0);
        private int _polls;

        public volatile GatewayConfig Config = new();
        public volatile bool Failing;

        public int Polls => Volatile.Read(ref _polls);

        public async Task PolledAsync() => Assert.True(await _polled.WaitAsync(TimeSpan.FromSeconds(30)), "polled");

        public Task<ConfigStamp> GetStamp()
        {
            Interlocked.Increment(ref _polls);
            _polled.Release();
            return Failing ? Task.FromException<ConfigStamp>(new SiloUnavailableException("the cluster is away")) : Task.FromResult(Config.Stamp);
        }

        public Task<GatewayConfig> Get() => Task.FromResult(Config);

        public Task<GatewayConfig> Apply(GatewayConfig config, long floorVersion) => throw new NotSupportedException();

        public Task<GatewayConfig> Restore(GatewayConfig config) => throw new NotSupportedException();

        public Task<RouteLookup> GetRoute(string name) => throw new NotSupportedException();
    }
}
