using System.Buffers;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Providers.Translation;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Providers.Exchanges;

/// <summary>
/// Kong's <c>preserve</c>: the request goes to the target's host as the client sent it. The scheme, host and port
/// come from the target's endpoint (<c>upstream_url</c>, or the provider's default); the path is the client's whole
/// path, route prefix included (or <c>model.options.upstream_path</c> when set), with the client's query; method and
/// body pass untouched, and no model is written. The target's credential is added as for any route type; the answer
/// passes through.
/// </summary>
public sealed class PreserveExchange(IProviderDriver driver, ProviderTarget target, TargetUrls urls) : TargetExchange(target, urls)
{
    private readonly PassedThroughAnswer _answer = new(driver);

    public override PreparedRequest? Prepare(in ExchangeRequest request, ArrayPoolBufferWriter<byte> body, out string? error)
    {
        error = null;
        body.Write(request.Body.Span);
        return new PreparedRequest(body.WrittenMemory, UrlFor(request.Client), Stream: false, _answer)
        {
            Method = HttpMethod.Parse(request.Client.Method),
            ContentType = request.Client.ContentType,
        };
    }

    /// <summary>The target's origin, the client's path (or <c>upstream_path</c>) and query, and a query credential.</summary>
    public Uri UrlFor(HttpRequest client)
    {
        var origin = UrlFor(stream: false);
        var path = Target.Option("upstream_path") is { } fixedPath ? "/" + fixedPath.TrimStart('/') : (client.PathBase + client.Path).ToString();
        var url = new UriBuilder(origin.Scheme, origin.Host, origin.Port) { Path = path, Query = client.QueryString.Value?.TrimStart('?') ?? "" }.Uri;
        return Target.AuthParamLocation == ParamLocations.Query && Target.AuthParamName is { } name
            ? ProviderUrls.WithQuery(url, name, Target.AuthParamValue ?? "")
            : url;
    }
}
