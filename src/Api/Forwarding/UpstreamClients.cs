using System.Collections.Concurrent;
using System.Net;

namespace Actors.Api.Forwarding;

/// <summary>
/// One pooled <see cref="HttpMessageInvoker"/> per upstream host (and connect timeout), so connections to a
/// provider are reused across requests and routes.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly ConcurrentDictionary<(string Scheme, string Host, int Port, int ConnectTimeoutMs), HttpMessageInvoker> _clients = new();

    public HttpMessageInvoker For(Uri upstream, int connectTimeoutMs) =>
        _clients.GetOrAdd((upstream.Scheme, upstream.IdnHost, upstream.Port, connectTimeoutMs), static key => new HttpMessageInvoker(
            new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = TimeSpan.FromMilliseconds(key.ConnectTimeoutMs),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
                // Re-resolve DNS now and then: provider endpoints move.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                EnableMultipleHttp2Connections = true,
            }, disposeHandler: true));

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
    }
}
