using Actors.Api.Routing;
using Actors.Api.Hosting;
using Actors.Grains.Interfaces.Configuration;
using Microsoft.Extensions.Options;

namespace Actors.Api.Configuration;

/// <summary>
/// Keeps this node's route table on the cluster's config version: polls the config grain's version (one cheap
/// call) and fetches the config only when it changed. Polls and outages are timed on the node's <see cref="TimeProvider"/>.
/// </summary>
public sealed class ConfigSync(
    IClusterClient cluster,
    RouteTableHolder table,
    IOptions<GatewaySettings> options,
    TimeProvider time,
    ILogger<ConfigSync> logger) : BackgroundService, IConfigRefresher
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>Whether the last exchange with the config grain succeeded.</summary>
    public bool Connected { get; private set; }

    /// <summary>The config the cluster held at the last exchange.</summary>
    public ConfigStamp ClusterStamp { get; private set; }

    /// <summary>This node applied a config itself: the cluster holds it now.</summary>
    public void Applied(GatewayConfig config)
    {
        ClusterStamp = config.Stamp;
        Connected = true;
    }

    private IConfigGrain ConfigGrain => cluster.GetGrain<IConfigGrain>(IConfigGrain.SingletonKey);

    /// <summary>Brings the table up to the cluster's version now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            try
            {
                var polled = await ConfigGrain.GetStamp();
                // A poll that was answered before this node's own apply landed must not take its stamp back.
                if (polled.Epoch != ClusterStamp.Epoch || polled.Version >= ClusterStamp.Version) ClusterStamp = polled;
                Connected = true;
            }
            catch
            {
                Connected = false;
                throw;
            }
            var mine = table.Current.Config;
            if (ClusterStamp == mine.Stamp) return;
            if (ClusterStamp.Version == 0 && mine.Version > 0)
            {
                // The cluster lost its storage; every node still holds the config: give it back.
                logger.LogWarning("The cluster has no config; offering this node's version {Version}", mine.Version);
                ClusterStamp = (await ConfigGrain.Restore(mine)).Stamp;
                return;
            }
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
        using var timer = new PeriodicTimer(options.Value.ConfigPollInterval, time);
        var failingSince = (long?)null; // timestamp of the time provider
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
                if (failingSince is { } since) logger.LogWarning("Config refresh works again after {Seconds:F1} s", time.GetElapsedTime(since).TotalSeconds);
                failingSince = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The cluster may be briefly unreachable (silo restart); the next tick tries again. One warning per
                // outage, not one per poll: the rest go to Debug.
                if (failingSince is null) logger.LogWarning("Config refresh failed, retrying every {Interval}: {Error}", options.Value.ConfigPollInterval, ex.Message);
                else logger.LogDebug("Config refresh failed: {Error}", ex.Message);
                failingSince ??= time.GetTimestamp();
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
