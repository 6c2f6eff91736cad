using System.Collections.Concurrent;
using Actors.Grains.Configuration;
using Actors.Grains.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Actors.Tests.Grains.Routes;

/// <summary>
/// A route grain that activates while neither its stored state nor the config grain answers in time (a silo
/// restarting under load) must still learn its spec once the config grain answers, not refuse every pick until it
/// happens to deactivate.
/// </summary>
public sealed class RouteGrainActivationTests : IAsyncLifetime
{
    private readonly SlowStorage _storage = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        // The first pick waits for an activation that waits out its reads: longer than the test cluster's 1.5 s default.
        builder.ConfigureSilo((_, silo) => silo.Services
            .AddKeyedSingleton<IGrainStorage>(StorageNames.Default, _storage)
            .PostConfigure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30)));
        builder.ConfigureClient(client => client.Services.PostConfigure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30)));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_route_activated_without_an_answer_from_the_config_grain_takes_its_spec_when_the_config_grain_answers()
    {
        var route = new RouteSpec
        {
            Name = "late",
            Paths = ["/late"],
            Targets = [new TargetSpec { Provider = "openai", ModelName = "a" }, new TargetSpec { Provider = "openai", ModelName = "b" }],
        }.WithRevision();
        var config = new GatewayConfig { Version = 1, Epoch = "e1", Services = [new ServiceSpec { Routes = [route] }] };
        _storage.Seed("config", _cluster.Client.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey).GetGrainId(), new ConfigGrainState { Config = config });
        // Every read takes longer than a route grain's activation waits for its state and for the config grain.
        _storage.ReadDelay = TimeSpan.FromSeconds(2.5);

        var grain = _cluster.Client.GetGrain<IRouteGrain>("late");
        var first = await grain.Pick(0, null);
        _storage.ReadDelay = TimeSpan.Zero;

        var later = first;
        for (var waited = 0; later.Status != PickStatus.Picked && waited < 30_000; waited += 100)
        {
            await Task.Delay(100);
            later = await grain.Pick(0, null);
        }
        Assert.Equal(PickStatus.NotConfigured, first.Status);
        Assert.Equal(PickStatus.Picked, later.Status);
        Assert.Equal(route.Revision, later.Revision);
    }

    /// <summary>In-memory grain storage whose reads can be slowed down.</summary>
    private sealed class SlowStorage : IGrainStorage
    {
        private readonly ConcurrentDictionary<(string, GrainId), (object State, string ETag)> _records = new();

        public TimeSpan ReadDelay { get; set; }

        public void Seed<T>(string stateName, GrainId grainId, T state) where T : notnull => _records[(stateName, grainId)] = (state, "seed");

        public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (ReadDelay > TimeSpan.Zero) await Task.Delay(ReadDelay);
            if (!_records.TryGetValue((stateName, grainId), out var record)) return;
            (grainState.State, grainState.ETag, grainState.RecordExists) = ((T)record.State, record.ETag, true);
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            grainState.ETag = Guid.NewGuid().ToString("N");
            _records[(stateName, grainId)] = (grainState.State!, grainState.ETag);
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _records.TryRemove((stateName, grainId), out _);
            (grainState.ETag, grainState.RecordExists) = (null, false);
            return Task.CompletedTask;
        }
    }
}
