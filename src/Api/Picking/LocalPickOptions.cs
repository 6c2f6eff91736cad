namespace Actors.Api.Picking;

/// <summary>
/// What an API node does while the route grains cannot be reached (keys in the <c>Gateway</c> section). Kong's data
/// planes keep proxying on their cached config when the control plane is gone; ours pick locally over their last
/// route table instead of failing every request.
/// </summary>
public sealed class LocalPickOptions
{
    /// <summary>
    /// On (default): while the route grain cannot be reached, this node picks targets itself with the route's own
    /// algorithm over its last config; such responses carry <c>X-Actors-Pick: local</c>. Off: those requests get 503.
    /// </summary>
    public bool LocalPicksWhenClusterDown { get; set; } = true;

    /// <summary>
    /// Longest a request waits for the route grain before this node picks locally. A grain that is being reactivated
    /// after a silo crash usually answers well within this; a cluster known to be down is not waited for at all.
    /// </summary>
    public TimeSpan LocalPickAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a request waits for a grain on its path: <see cref="LocalPickAfter"/> when this node can go on
    /// without the cluster, else the node's whole <paramref name="clusterCallDeadline"/>.</summary>
    public TimeSpan RequestBudget(TimeSpan clusterCallDeadline) => LocalPicksWhenClusterDown ? LocalPickAfter : clusterCallDeadline;

    public static LocalPickOptions From(IConfiguration configuration) =>
        configuration.GetSection(Hosting.GatewaySettings.SectionName).Get<LocalPickOptions>() ?? new LocalPickOptions();

    public IEnumerable<string> Validate()
    {
        if (LocalPickAfter <= TimeSpan.Zero) yield return "Gateway:LocalPickAfter must be positive";
    }
}
