using Actors.Api.Cluster;
using Actors.Api.Picking;
using Actors.Api.Routing;
using Actors.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Actors.Api.Hosting;

public static class ClientBuilderExtensions
{
    /// <summary>An API node in cluster mode: a thin Orleans client that finds the silos' gateways through Redis.</summary>
    public static IClientBuilder UseActorsClient(this IClientBuilder client, ClusterSettings settings)
    {
        var redis = ActorsSilo.RedisOptions(settings);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        client.UseRedisClustering(o => o.ConfigurationOptions = redis);
        // Learn about silos that joined or left sooner than the one-minute default. A silo restarting on its old address
        // is dropped from the list while it joins and its connection closed at the next refresh; back as soon as it is
        // active. One read of the membership hash in Redis per refresh.
        client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        // After a refused connection Orleans waits this long before trying that gateway again (default 1 s); silos
        // coming back after an outage are found sooner.
        client.Configure<ConnectionOptions>(o => o.ConnectionRetryDelay = TimeSpan.FromMilliseconds(250));
        // A call caught in a silo crash is retried by the proxy (ClusterCalls); don't let it hang for Orleans' 30 s default.
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(settings.CallTimeoutSeconds));
        // The proxy stops waiting for a cluster whose gateways are all gone (Routing/ClusterReachability).
        client.Services.TryAddSingleton<GatewayConnections>();
        client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayConnections>());
        client.AddDashboard();
        return client;
    }
}
