namespace Actors.Tests.Proxy.Kinds;

/// <summary>decK documents with one route whose targets serve one route type.</summary>
public static class RouteTypeDeck
{
    public const string OpenAIAuth = "{header_name: Authorization, header_value: 'Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}'}";

    /// <summary>One target: <paramref name="model"/> (none when null) of <paramref name="provider"/> with the given options.</summary>
    public static string Target(string routeType, string? model, string options, string provider = "openai", string auth = OpenAIAuth) =>
        $"        - model: {{provider: {provider}{(model is null ? "" : $", name: {model}")}, options: {{{options}}}}}\n"
        + $"          route_type: {routeType}\n          auth: {auth}\n";

    public static string Route(string name, string balancer, params string[] targets) => Providers.ProviderDeck.Document(name, balancer, targets);
}
