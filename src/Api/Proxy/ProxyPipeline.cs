using Actors.Api.Forwarding;
using Actors.Api.Hosting;
using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Api.Routing.Semantic;
using Actors.Api.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Actors.Api.Proxy;

/// <summary>
/// The one composition root of the proxy pipeline (<see cref="ProxyHandler"/> and what it calls). The host, the
/// warm-up's private copy and the tests' in-memory host all build it here; each adds only what differs: who picks
/// targets (<see cref="Picking.ITargetPicker"/>), where config comes from (<see cref="Configuration.IConfigRefresher"/>)
/// and where the request log goes (<see cref="Logging.RequestLogSink"/>).
/// </summary>
public static class ProxyPipeline
{
    /// <summary>Registers the pipeline's own parts; a part registered before this call is kept (a test's stand-in).</summary>
    public static IServiceCollection AddProxyPipeline(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ProviderRegistry.Default);
        services.TryAddSingleton<RouteTableHolder>();
        services.TryAddSingleton<UpstreamClients>();
        services.TryAddSingleton<UpstreamForwarder>();
        services.TryAddSingleton<SemanticSelector>();
        services.TryAddSingleton<ClientAccess>();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<ProxyHandler>();
        return services;
    }

    /// <summary>
    /// A pipeline outside the host (the warm-up's, a test's): no cluster behind it, so consumers' rate limits are not
    /// enforced (<see cref="ClientAccess.Detached"/>). <paramref name="configure"/> adds the picker, the config
    /// refresher and the request log, and may replace any other part. Dispose the provider to release its clients.
    /// </summary>
    public static ServiceProvider BuildDetached(GatewaySettings settings, Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Options.Create(settings));
        services.AddSingleton(sp => ClientAccess.Detached(sp.GetRequiredService<IOptions<GatewaySettings>>()));
        configure(services);
        return services.AddProxyPipeline().BuildServiceProvider();
    }
}
