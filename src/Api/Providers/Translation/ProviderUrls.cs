namespace Actors.Api.Providers.Translation;

public static class ProviderUrls
{
    /// <summary>An absolute http(s) URL, or null.</summary>
    public static Uri? Absolute(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri : null;

    /// <summary>Adds <c>name=value</c> to the query unless the URL already has that parameter.</summary>
    public static Uri WithQuery(Uri uri, string name, string value)
    {
        var query = uri.Query.TrimStart('?');
        var prefix = name + "=";
        if (query.Split('&').Any(p => p.StartsWith(prefix, StringComparison.Ordinal) || p == name)) return uri;
        var pair = Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);
        return new UriBuilder(uri) { Query = query.Length == 0 ? pair : query + "&" + pair }.Uri;
    }

    /// <summary>
    /// A chat endpoint's sibling for another route type, as OpenAI-compatible APIs lay them out: <c>.../chat/completions</c>
    /// becomes <c>.../completions</c>, <c>.../embeddings</c> or <c>.../responses</c>, query kept. Chat and preserve
    /// (whose path comes from the client) keep the URL; a URL not ending in <c>/chat/completions</c> is kept too.
    /// </summary>
    public static Uri? ForRouteType(Uri? chatUrl, string routeType)
    {
        const string chat = "/chat/completions";
        var suffix = routeType switch
        {
            Grains.Interfaces.Configuration.RouteTypes.Completions => "/completions",
            Grains.Interfaces.Configuration.RouteTypes.Embeddings => "/embeddings",
            Grains.Interfaces.Configuration.RouteTypes.Responses => "/responses",
            _ => null,
        };
        if (chatUrl is null || suffix is null || !chatUrl.AbsolutePath.EndsWith(chat, StringComparison.Ordinal)) return chatUrl;
        return new UriBuilder(chatUrl) { Path = chatUrl.AbsolutePath[..^chat.Length] + suffix }.Uri;
    }

    /// <summary>A provider-specific option, or null when unset or blank.</summary>
    public static string? Option(this ProviderTarget target, string name) =>
        target.Options.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>A model name as one path segment (Bedrock ids carry colons, Gemini names may carry slashes).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);
}
