namespace Actors.Api.Picking;

/// <summary>
/// The cluster is known to be down and local picks are switched off: the request is refused at once. A
/// <see cref="TimeoutException"/>, so every handler of transient cluster failures answers it with 503.
/// </summary>
public sealed class ClusterUnreachableException() : TimeoutException("the cluster is unreachable");
