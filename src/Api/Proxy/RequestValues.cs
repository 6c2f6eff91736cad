using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Proxy;

/// <summary>What a request offers Kong's model templates (<see cref="ModelTemplate"/>), as Kong's <c>conf_from_request</c> reads it.</summary>
public static class RequestValues
{
    /// <summary>(source, name) → the request's value: a header (first value), a query parameter (first value), or a named capture of the route's regex path.</summary>
    public static Func<string, string, string?> Lookup(HttpContext context, ResolvedRoute route) => (source, name) => source switch
    {
        ModelTemplate.Headers => context.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null,
        ModelTemplate.QueryParams => context.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null,
        ModelTemplate.UriCaptures => route.UriCapture(context.Request.Path.Value ?? "/", name),
        _ => null,
    };
}
