using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Actors.Grains.Hosting;

/// <summary>
/// Redis that restarts without its data takes the membership table with it, and Orleans never re-creates the table
/// under running silos: each keeps its old view, and a silo that joins later forms a second cluster beside them
/// (two activations of a route grain). A silo that sees the table gone twice in a row therefore stops; its
/// supervisor (compose's <c>restart:</c>, systemd) starts it again, and it joins a table it re-creates itself.
/// </summary>
public sealed class MembershipTableWatchdog(
    ConfigurationOptions redisOptions,
    IOptions<ClusterOptions> cluster,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<MembershipTableWatchdog> logger) : BackgroundService
{
    /// <summary>EX_TEMPFAIL: a supervisor should start the silo again.</summary>
    public const int ExitCode = 75;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan GracefulStopLimit = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(redisOptions);
        // The key Orleans' Redis clustering keeps its table under.
        var key = new RedisKey($"{cluster.Value.ServiceId}/members/{cluster.Value.ClusterId}");
        var missedInARow = 0;
        using var timer = new PeriodicTimer(CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                missedInARow = await redis.GetDatabase().KeyExistsAsync(key) ? 0 : missedInARow + 1;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                continue; // Redis unreachable or stalled says nothing about the table
            }
            if (missedInARow < 2) continue;
            logger.LogCritical("The membership table {Key} is gone (Redis lost its data): stopping so that this silo rejoins a new one", key);
            Environment.ExitCode = ExitCode;
            lifetime.StopApplication();
            // A graceful stop waits on membership updates that can no longer succeed: give it a moment, then go.
            _ = Task.Delay(GracefulStopLimit, CancellationToken.None).ContinueWith(_ => Environment.Exit(ExitCode), TaskScheduler.Default);
            return;
        }
    }
}
