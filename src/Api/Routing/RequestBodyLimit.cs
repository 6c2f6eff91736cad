using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

/// <summary>
/// How large a request body a route reads: Kong's <c>max_request_body_size</c> (default 1 MiB in 3.15; 0 means no
/// limit of the plugin's own), never above the node's <c>Gateway:MaxRequestBodyBytes</c>, which plays the part of
/// nginx's <c>client_max_body_size</c> in Kong.
/// </summary>
public static class RequestBodyLimit
{
    public static int Effective(int? pluginLimit, int nodeLimit) => (pluginLimit ?? RouteSpec.DefaultMaxRequestBodySize) switch
    {
        0 => nodeLimit,
        var limit => Math.Min(limit, nodeLimit),
    };
}
