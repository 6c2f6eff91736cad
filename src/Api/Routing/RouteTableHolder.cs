using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

/// <summary>Holds this node's current route table; swapped atomically when a new config version arrives.</summary>
public sealed class RouteTableHolder(ProviderRegistry providers)
{
    private volatile RouteTable _current = RouteTable.Empty;

    public RouteTable Current => _current;

    /// <summary>
    /// Installs <paramref name="config"/> unless this node already has the same or a newer version of the same
    /// epoch. A config of another epoch always wins: the cluster lost its storage and started over.
    /// </summary>
    /// <param name="environment">Where credentials come from; this process's environment unless given (tests).</param>
    public void Install(GatewayConfig config, Func<string, string?>? environment = null)
    {
        while (true)
        {
            var seen = _current;
            if (config.Epoch == seen.Config.Epoch && config.Version <= seen.Version && seen.Version != 0) return;
            var next = new RouteTable(config, providers, environment ?? Environment.GetEnvironmentVariable);
            if (Interlocked.CompareExchange(ref _current, next, seen) == seen) return;
        }
    }
}
