using Actors.Grains.Configuration;
using Actors.Grains.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Actors.Tests.Grains.Configuration;

/// <summary>A one-silo in-process cluster whose grain storage can be made to fail (<see cref="ScriptedStorage"/>).</summary>
public sealed class ConfigGrainClusterFixture : IAsyncLifetime
{
    public ScriptedStorage Storage { get; } = new() { Failure = () => new TimeoutException("storage timed out") };
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Default, Storage));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// The config grain: how it numbers versions and keeps its epoch, and that a config reaches API nodes only once it
/// is stored. Each test uses its own config grain key (the grain's state is per key), so no test sees another's.
/// </summary>
public sealed class ConfigGrainTests(ConfigGrainClusterFixture fixture) : IClassFixture<ConfigGrainClusterFixture>
{
    private IConfigGrain Grain(long key) => fixture.Cluster.Client.GetGrain<IConfigGrain>(key);

    private static RouteSpec Route(string name, string model = "m") => new RouteSpec
    {
        Name = name,
        Paths = ["/" + name],
        Targets = [new TargetSpec { Provider = "openai", ModelName = model }],
    }.WithRevision();

    private static GatewayConfig Config(params RouteSpec[] routes) => new() { Services = [new ServiceSpec { Routes = routes }] };

    [Fact]
    public async Task An_apply_is_numbered_above_both_the_clusters_version_and_the_callers_floor()
    {
        var grain = Grain(101);

        var first = await grain.Apply(Config(Route("cg-floor")), floorVersion: 0);
        var aboveFloor = await grain.Apply(Config(Route("cg-floor")), floorVersion: 10);
        var belowCluster = await grain.Apply(Config(Route("cg-floor")), floorVersion: 3);

        Assert.Equal([1L, 11L, 12L], new[] { first.Version, aboveFloor.Version, belowCluster.Version });
        Assert.Equal(12, (await grain.GetStamp()).Version);
    }

    [Fact]
    public async Task The_epoch_is_drawn_with_the_first_config_and_kept_by_every_later_one()
    {
        var grain = Grain(102);
        var before = DateTimeOffset.UtcNow;

        var first = await grain.Apply(Config(Route("cg-epoch")), 0);
        // a config that carries an epoch of its own (a node's) does not change the cluster's
        var second = await grain.Apply(Config(Route("cg-epoch")) with { Epoch = "from-a-node", Version = 99 }, 0);

        Assert.Matches("^[0-9a-f]{16}$", first.Epoch);
        Assert.Equal(first.Epoch, second.Epoch);
        Assert.Equal(2, second.Version);
        Assert.InRange(first.AppliedAt, before, DateTimeOffset.UtcNow);
        Assert.Equal(new ConfigStamp(first.Epoch, 2), await grain.GetStamp());
        Assert.NotEqual(first.Epoch, (await Grain(103).Apply(Config(Route("cg-epoch-other")), 0)).Epoch);
    }

    [Fact]
    public async Task An_invalid_config_is_refused_before_anything_is_stored_or_published()
    {
        var grain = Grain(104);
        var applied = await grain.Apply(Config(Route("cg-invalid")), 0);
        var noRevision = new RouteSpec { Name = "cg-invalid-2", Paths = ["/cg-invalid-2"], Targets = [new TargetSpec { Provider = "openai" }] };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => grain.Apply(Config(Route("cg-invalid"), noRevision), 0));

        Assert.Contains("has no revision", refused.Message);
        Assert.Equal(applied.Stamp, await grain.GetStamp());
        Assert.Equal(applied.Version, fixture.Storage.Stored<ConfigGrainState>("config", grain.GetGrainId())!.Config.Version);
        Assert.Null((await grain.GetRoute("cg-invalid-2")).Spec);
    }

    [Fact]
    public async Task When_storage_refuses_the_write_the_apply_throws_and_nodes_and_route_grains_keep_the_old_config()
    {
        var grain = Grain(105);
        var applied = await grain.Apply(Config(Route("cg-down-a")), 0);
        fixture.Storage.Fault(grain.GetGrainId(), WriteFault.Refuse);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => grain.Apply(Config(Route("cg-down-a", "changed"), Route("cg-down-b")), 0));

            Assert.Equal(applied.Stamp, await grain.GetStamp());
            Assert.Equal(["cg-down-a"], (await grain.Get()).Routes.Select(r => r.Name));
            var lookup = await grain.GetRoute("cg-down-a");
            Assert.Equal((applied.Version, Route("cg-down-a").Revision), (lookup.Version, lookup.Spec!.Revision));
            Assert.Null((await grain.GetRoute("cg-down-b")).Spec);
            // the route grains were not told of the refused config
            Assert.Equal(Route("cg-down-a").Revision, (await fixture.Cluster.Client.GetGrain<IRouteGrain>("cg-down-a").Pick(0, null)).Revision);
            Assert.Equal(PickStatus.NotConfigured, (await fixture.Cluster.Client.GetGrain<IRouteGrain>("cg-down-b").Pick(0, null)).Status);
        }
        finally
        {
            fixture.Storage.Fault(grain.GetGrainId(), WriteFault.None);
        }
    }

    [Fact]
    public async Task A_refused_apply_whose_write_landed_anyway_is_written_over_and_never_returns_with_the_next_activation()
    {
        var grain = Grain(106);
        var applied = await grain.Apply(Config(Route("cg-stall")), 0);
        fixture.Storage.Fault(grain.GetGrainId(), WriteFault.LandThenThrow);
        await Assert.ThrowsAnyAsync<Exception>(() => grain.Apply(Config(Route("cg-stall"), Route("cg-stall-late")), 0));
        Assert.Equal(2, fixture.Storage.Stored<ConfigGrainState>("config", grain.GetGrainId())!.Config.Version);

        // storage works again: the grain's repair writes the applied config back over the one that landed
        var repaired = fixture.Storage.NextSuccessfulWrite(grain.GetGrainId());
        fixture.Storage.Fault(grain.GetGrainId(), WriteFault.None);
        await repaired.WaitAsync(TimeSpan.FromSeconds(10));
        await fixture.Cluster.DeactivateAsync(grain);
        await fixture.Cluster.WaitForDeactivationAsync(grain);

        Assert.Equal(applied.Stamp, await grain.GetStamp());
        Assert.Equal(["cg-stall"], (await grain.Get()).Routes.Select(r => r.Name));
    }

    [Fact]
    public async Task An_applied_config_is_read_back_by_the_next_activation()
    {
        var grain = Grain(107);
        var applied = await grain.Apply(Config(Route("cg-reload-a"), Route("cg-reload-b")), 0);

        await fixture.Cluster.DeactivateAsync(grain);
        await fixture.Cluster.WaitForDeactivationAsync(grain);

        Assert.Equal(applied.Stamp, await grain.GetStamp());
        Assert.Equal(["cg-reload-a", "cg-reload-b"], (await grain.Get()).Routes.Select(r => r.Name));
        // the next apply goes on from the stored version, in the stored epoch
        Assert.Equal(new ConfigStamp(applied.Epoch, applied.Version + 1), (await grain.Apply(Config(Route("cg-reload-a")), 0)).Stamp);
    }

    [Fact]
    public async Task A_route_lookup_answers_the_stored_version_and_the_routes_spec_or_none()
    {
        var grain = Grain(108);
        var applied = await grain.Apply(Config(Route("cg-lookup-a"), Route("cg-lookup-b", "other")), 0);

        var found = await grain.GetRoute("cg-lookup-b");
        var missing = await grain.GetRoute("cg-lookup-c");

        Assert.Equal(applied.Version, found.Version);
        Assert.Equal((Route("cg-lookup-b", "other").Revision, "other"), (found.Spec!.Revision, found.Spec.Targets[0].ModelName));
        Assert.Equal(applied.Version, missing.Version);
        Assert.Null(missing.Spec);
        Assert.Equal(new RouteLookup(0, null), await Grain(109).GetRoute("cg-lookup-a"));
    }

    [Fact]
    public async Task A_restore_is_taken_only_while_the_cluster_holds_no_config_and_keeps_the_nodes_version_and_epoch()
    {
        var grain = Grain(110);
        var offered = Config(Route("cg-restore")) with { Version = 7, Epoch = "node-epoch" };

        Assert.Equal(0, (await grain.Restore(offered with { Version = 0 })).Version);
        var restored = await grain.Restore(offered);
        var stored = fixture.Storage.Stored<ConfigGrainState>("config", grain.GetGrainId())?.Config;
        var second = await grain.Restore(offered with { Version = 9, Epoch = "another-node" });
        var next = await grain.Apply(Config(Route("cg-restore")), 0);

        Assert.Equal(new ConfigStamp("node-epoch", 7), restored.Stamp);
        Assert.Equal(new ConfigStamp("node-epoch", 7), second.Stamp);
        Assert.Equal(Route("cg-restore").Revision, (await fixture.Cluster.Client.GetGrain<IRouteGrain>("cg-restore").Pick(0, null)).Revision);
        Assert.Equal(new ConfigStamp("node-epoch", 8), next.Stamp);
        Assert.Equal(new ConfigStamp("node-epoch", 7), stored?.Stamp);
    }

    [Fact]
    public async Task A_cluster_with_a_config_ignores_a_restore()
    {
        var grain = Grain(111);
        var applied = await grain.Apply(Config(Route("cg-norestore")), 0);

        var answer = await grain.Restore(Config(Route("cg-norestore", "node")) with { Version = 50, Epoch = "node-epoch" });

        Assert.Equal(applied.Stamp, answer.Stamp);
        Assert.Equal(applied.Stamp, await grain.GetStamp());
        Assert.Equal(Route("cg-norestore").Revision, (await grain.GetRoute("cg-norestore")).Spec!.Revision);
    }
}
