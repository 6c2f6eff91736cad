using Actors.Grains.Routes;
using Actors.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;

namespace Actors.Grains.Hosting;

public static class ActorsSilo
{
    /// <summary>
    /// Everything a silo of ours needs, used by the Silo host and by the API's embedded mode alike: Redis clustering
    /// and storage when <see cref="ClusterSettings.Redis"/> is set, else localhost clustering and memory storage.
    /// </summary>
    public static ISiloBuilder UseActorsSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        settings.ThrowIfInvalid();

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        if (settings.UsesRedis) silo.UseRedis(settings);
        else
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
            silo.AddMemoryGrainStorage(StorageNames.Default);
        }
        silo.Configure<ClusterMembershipOptions>(o => FailureDetection(o, settings));
        silo.Services.AddOptions<RouteGrainOptions>().Bind(configuration.GetSection("Routes"));
        // The grains' clock (circuits, rate limits, config stamps); Orleans registers the same one for itself.
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.AddDashboard();
        // With tracing on, grain calls carry the caller's trace context, so a request's trace spans API node, grain and
        // provider. Off, the filter would still run on every grain call (measured: ~3% of a proxied request's CPU).
        if (OtlpSettings.Endpoint(configuration) is not null) silo.AddActivityPropagation();
        return silo;
    }

    /// <summary>Redis membership and grain storage, this silo's advertised endpoints, and the membership-table watchdog.</summary>
    private static void UseRedis(this ISiloBuilder silo, ClusterSettings settings)
    {
        var redis = RedisOptions(settings);
        silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
        silo.AddRedisGrainStorage(StorageNames.Default, (OptionsBuilder<RedisStorageOptions> storage) => storage.Configure<ILogger<JsonGrainStateSerializer>>((o, log) =>
        {
            o.ConfigurationOptions = redis;
            // Plain JSON with an explicit contract: no CLR type names, readable by the next version.
            o.GrainStorageSerializer = new JsonGrainStateSerializer(log);
        }));
        silo.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<MembershipTableWatchdog>(sp, redis));
        var advertised = settings.ResolveAdvertisedAddress();
        silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort,
            listenOnAnyHostAddress: !System.Net.IPAddress.IsLoopback(advertised));
    }

    private static void FailureDetection(ClusterMembershipOptions options, ClusterSettings settings)
    {
        options.ProbeTimeout = TimeSpan.FromMilliseconds(settings.ProbeTimeoutMs);
        options.MaxProbeTimeout = TimeSpan.FromMilliseconds(settings.ProbeTimeoutMs);
        options.NumMissedProbesLimit = settings.MissedProbesLimit;
        // A silo restarted on its old address declares its previous generation dead when it reads the table; if that
        // write loses a race with another restarting silo, it is tried again only at the next refresh (Orleans'
        // default: 60 s), and no other silo can join until then. Measured after kill -9 of both silos of a two-silo
        // cluster: one joined a minute later; with 2 s the cluster serves again within seconds.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
    }

    public static ConfigurationOptions RedisOptions(ClusterSettings settings)
    {
        var options = ConfigurationOptions.Parse(settings.Redis!);
        // Redis may come up after us (compose, restarts): keep retrying instead of failing the host.
        options.AbortOnConnectFail = false;
        return options;
    }
}
