using System.Buffers;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Providers.Translation;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Proxy.Kinds;

/// <summary>
/// Kong's <c>preserve</c>: the request goes to the target's host as the client sent it. The scheme, host and port
/// come from the target's endpoint (<c>upstream_url</c>, or the provider's default); the path is the client's whole
/// path, route prefix included (or <c>model.options.upstream_path</c> when set), with the client's query; method and
/// body pass untouched, and no model is written. The target's credential is added as for any route type.
/// </summary>
internal sealed class PreserveRequestKind : RequestKind
{
    /// <summary>The body is not read: whatever it asks, <c>response_streaming</c> cannot rewrite it.</summary>
    public override bool Streams => false;

    public override bool Accepts(string method) => true;

    /// <remarks>Nothing to check: the body is the provider's business.</remarks>
    public override bool IsValid(ReadOnlyMemory<byte> body, out ChatRequestInfo info, out string? error)
    {
        (info, error) = (default, null);
        return true;
    }

    public override PreparedRequest? Prepare(HttpRequest client, ReadOnlySpan<byte> body, ChatRequestInfo info, ResolvedTarget target,
        ArrayPoolBufferWriter<byte> output, out string? error)
    {
        error = null;
        output.Write(body);
        return new PreparedRequest(output.WrittenMemory, UrlFor(client, target), Stream: false, IncludeUsage: false, null)
        {
            Method = HttpMethod.Parse(client.Method),
            ContentType = client.ContentType,
        };
    }

    /// <summary>The target's origin, the client's path (or <c>upstream_path</c>) and query, and a query credential.</summary>
    public static Uri UrlFor(HttpRequest client, ResolvedTarget target)
    {
        var origin = target.Upstream!;
        var path = target.Provider.Option("upstream_path") is { } fixedPath ? "/" + fixedPath.TrimStart('/') : (client.PathBase + client.Path).ToString();
        var url = new UriBuilder(origin.Scheme, origin.Host, origin.Port) { Path = path, Query = client.QueryString.Value?.TrimStart('?') ?? "" }.Uri;
        var auth = target.Spec.Auth;
        return auth.ParamLocation == ParamLocations.Query && auth.ParamName is { } name
            ? ProviderUrls.WithQuery(url, name, target.Provider.AuthParamValue ?? "")
            : url;
    }
}
