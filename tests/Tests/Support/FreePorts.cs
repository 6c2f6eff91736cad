using System.Net;
using System.Net.Sockets;

namespace Actors.Tests.Support;

public static class FreePorts
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>A loopback port nobody listens on now and that this test run has not handed out before.</summary>
    public static int Next()
    {
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Handed)
                if (Handed.Add(port)) return port;
        }
    }
}
