using Actors.Grains.Interfaces.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Actors.Api.Picking;

public static class LocalPickServices
{
    /// <summary>Target picking: the route grain, and this node's local balancers for when the grain cannot be reached.</summary>
    public static IServiceCollection AddTargetPicking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LocalPickOptions>().Bind(configuration.GetSection(Hosting.GatewaySettings.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayConnections>();
        services.AddSingleton<LocalBalancers>();
        services.AddSingleton(sp =>
        {
            var client = sp.GetRequiredService<IClusterClient>();
            return new ClusterReachability(sp.GetRequiredService<GatewayConnections>(),
                () => client.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey).GetStamp(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ClusterReachability>>());
        });
        services.AddSingleton<Picking.ITargetPicker, Picking.ClusterTargetPicker>();
        return services;
    }
}
