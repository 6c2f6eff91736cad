namespace Actors.Api.Picking;

/// <summary>
/// How many silo gateways this node's Orleans client is connected to, as the client reports it. The count drops to
/// zero within milliseconds when every silo's process dies (their sockets close), long before a call times out.
/// In embedded mode nothing reports and the count stays unknown.
/// </summary>
public sealed class GatewayConnections : IClusterConnectionStatusObserver
{
    private const int Unknown = -1;
    private int _connected = Unknown;

    /// <summary>True when the client has reported that no gateway connection is open.</summary>
    public bool NoneConnected => Volatile.Read(ref _connected) == 0;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        Volatile.Write(ref _connected, Math.Max(0, currentNumberOfGateways));

    public void NotifyClusterConnectionLost() => Volatile.Write(ref _connected, 0);
}
