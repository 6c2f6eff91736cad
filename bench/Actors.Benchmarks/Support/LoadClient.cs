using System.Net;
using System.Text;

namespace Actors.Benchmarks.Support;

/// <summary>The HTTP client of the load commands: no connection cap, no proxy, nothing that a benchmark would measure by accident.</summary>
public static class LoadClient
{
    public const string ChatBody = """{"messages":[{"role":"user","content":"Who is considered the greatest Polish writer?"}]}""";
    public const string StreamingChatBody = """{"messages":[{"role":"user","content":"Who is considered the greatest Polish writer?"}],"stream":true}""";

    /// <param name="connections">Most connections open at once; requests beyond them wait in the client for one.</param>
    public static HttpClient Create(TimeSpan timeout, int connections = int.MaxValue) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    { Timeout = timeout };

    public static HttpRequestMessage Post(string url, string body) => new(HttpMethod.Post, url)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };
}
