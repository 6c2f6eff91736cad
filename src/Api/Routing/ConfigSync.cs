using Actors.Api.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Microsoft.Extensions.Options;

namespace Actors.Api.Routing;

/// <summary>
/// Keeps this node's route table on the cluster's config version: polls the config grain's version (one cheap
/// call) and fetches the config only when it changed.
/// </summary>
public sealed class ConfigSync(
    IClusterClient cluster,
    RouteTableHolder table,
    IOptions<GatewayOptions> options,
    ILogger<ConfigSync> logger) : BackgroundService, IConfigRefresher
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>Whether the last exchange with the config grain succeeded.</summary>
    public bool Connected { get; private set; }

    private IConfigGrain ConfigGrain => cluster.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey);

    /// <summary>Brings the table up to the cluster's version now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            long version;
            try
            {
                version = await ConfigGrain.GetVersion();
                Connected = true;
            }
            catch
            {
                Connected = false;
                throw;
            }
            if (version == table.Current.Version) return;
            var config = await ConfigGrain.Get();
            table.Install(config);
            logger.LogInformation("Route table at config version {Version} ({Count} routes)", config.Version, table.Current.Routes.Count());
        }
        finally
        {
            _refreshing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ConfigPollInterval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The cluster may be briefly unreachable (silo restart); the next tick tries again.
                logger.LogWarning("Config refresh failed: {Error}", ex.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
