using System.Net;

namespace Actors.Grains.Hosting;

/// <summary>The <c>Cluster</c> configuration section, shared by silos and API nodes.</summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Cluster";

    /// <summary>StackExchange.Redis connection string. Empty: an embedded single-process cluster with in-memory storage.</summary>
    public string? Redis { get; set; }
    public string ClusterId { get; set; } = "actors";
    public string ServiceId { get; set; } = "actors";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>
    /// The address other silos and clients reach this silo on: an IP, or a host name resolved at start (in
    /// containers, the service's own name).
    /// </summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";
    /// <summary>
    /// Failure detection: a silo that misses <see cref="MissedProbesLimit"/> probes of this many milliseconds is
    /// voted dead. The defaults declare a killed silo dead in about two seconds (Orleans' own take about twelve).
    /// </summary>
    public int ProbeTimeoutMs { get; set; } = 1000;
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>How long one grain call may take before the caller gives up on it (and may retry it).</summary>
    public int CallTimeoutSeconds { get; set; } = 5;

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId)) yield return "Cluster:ClusterId must not be empty";
        if (string.IsNullOrWhiteSpace(ServiceId)) yield return "Cluster:ServiceId must not be empty";
        if (SiloPort is < 1 or > 65535) yield return "Cluster:SiloPort must be a port number (1-65535)";
        if (GatewayPort is < 1 or > 65535) yield return "Cluster:GatewayPort must be a port number (1-65535)";
        if (SiloPort == GatewayPort) yield return "Cluster:SiloPort and Cluster:GatewayPort must differ";
        if (string.IsNullOrWhiteSpace(AdvertisedIp)) yield return "Cluster:AdvertisedIp must not be empty";
        if (ProbeTimeoutMs < 100) yield return "Cluster:ProbeTimeoutMs must be at least 100";
        if (CallTimeoutSeconds < 1) yield return "Cluster:CallTimeoutSeconds must be at least 1";
        if (MissedProbesLimit < 1) yield return "Cluster:MissedProbesLimit must be at least 1";
    }

    public IPAddress ResolveAdvertisedAddress()
    {
        if (IPAddress.TryParse(AdvertisedIp, out var ip)) return ip;
        var addresses = Dns.GetHostAddresses(AdvertisedIp);
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"Cluster:AdvertisedIp '{AdvertisedIp}' does not resolve to an address");
    }

    public void ThrowIfInvalid()
    {
        var problems = Validate().ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException("Invalid cluster settings: " + string.Join("; ", problems));
    }
}
