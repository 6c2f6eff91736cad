using Actors.Grains.Hosting;
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
        // Learn about silos that joined or left sooner than the one-minute default.
        client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        // A call caught in a silo crash is retried by the proxy (ClusterCalls); don't let it hang for Orleans' 30 s default.
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(settings.CallTimeoutSeconds));
        client.AddDashboard();
        return client;
    }
}
