using Actors.Api.Providers.ClientFormats;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Providers.Exchanges;

/// <summary>
/// The one place that decides how a target's requests and answers are exchanged: passed through, translated by the
/// provider's driver, translated through a client format's codec, or passed through natively to a provider that
/// speaks the client's format. Called once per target when the route table is built.
/// </summary>
public static class TargetExchanges
{
    /// <param name="driver">The provider's driver; null when this node has none for it.</param>
    /// <param name="configuredUrl">The target's <c>upstream_url</c>, variables resolved.</param>
    /// <param name="format">The route's client format when not OpenAI's.</param>
    /// <returns>Null when this node cannot serve the target (<paramref name="problem"/> says why).</returns>
    public static TargetExchange? Create(IProviderDriver? driver, ProviderTarget target, string? configuredUrl, IClientFormat? format, out string? problem)
    {
        problem = null;
        if (driver is null)
        {
            problem = $"provider '{target.Provider}' has no driver on this gateway node";
            return null;
        }
        var urls = new TargetUrls(WithQueryCredential(driver.ResolveUrl(target, configuredUrl, stream: false), target),
            WithQueryCredential(driver.ResolveUrl(target, configuredUrl, stream: true), target));
        var formatted = format?.ExchangeFor(driver, target, urls);
        if (format is not null && formatted is null)
            problem = $"provider '{target.Provider}' cannot serve clients of llm_format '{format.Name}'";
        else if (!(format is null ? driver.RouteTypes : IProviderDriver.ChatAndPreserve).Contains(target.RouteType))
            problem = $"provider '{target.Provider}' does not serve route type '{target.RouteType}' on this gateway node";
        else if (driver.Name is "openai" or "azure") problem = OpenAICompatible.OpenAIModels.ConfigurationProblem(target);
        if (problem is not null) return null;
        return target.RouteType switch
        {
            RouteTypes.Preserve => new PreserveExchange(driver, target, urls),
            RouteTypes.Chat => formatted ?? driver.ChatExchange(target, urls),
            RouteTypes.Embeddings when driver.Embeddings is { } translation => new EmbeddingsExchange(driver, translation, target, urls),
            // Completions, embeddings and responses for providers that speak OpenAI's API for them.
            _ => new RewritingExchange(driver, target, urls),
        };
    }

    /// <summary>A query-string credential is baked into the URL once instead of per request.</summary>
    public static Uri? WithQueryCredential(Uri? upstream, ProviderTarget target)
    {
        if (upstream is null || target.AuthParamLocation != ParamLocations.Query || target.AuthParamName is not { } name) return upstream;
        var builder = new UriBuilder(upstream);
        var pair = Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(target.AuthParamValue ?? "");
        builder.Query = string.IsNullOrEmpty(builder.Query) ? pair : builder.Query.TrimStart('?') + "&" + pair;
        return builder.Uri;
    }
}
