namespace Actors.Tests.Providers;

/// <summary>
/// decK documents whose targets are of any Kong provider, each pointed at the fake of its native API. Every provider's
/// model name is unique, so the fakes' answer ("Fake answer from {model}.") tells which target answered.
/// </summary>
public static class ProviderDeck
{
    /// <summary>The credentials the targets' placeholders name, as the API node's environment holds them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["DECK_ANTHROPIC_API_KEY"] = "sk-ant-e2e",
        ["DECK_GEMINI_API_KEY"] = "gemini-e2e-key",
        ["DECK_AWS_ACCESS_KEY_ID"] = "AKIAE2EEXAMPLE",
        ["DECK_AWS_SECRET_ACCESS_KEY"] = "e2e-secret-access-key",
        ["DECK_COHERE_API_KEY"] = "cohere-e2e-key",
        ["DECK_AZURE_API_KEY"] = "azure-e2e-key",
    };

    public static readonly string[] Providers = ["openai", "anthropic", "gemini", "bedrock", "ollama", "cohere", "azure"];

    public static string Model(string provider) => provider + "-e2e";

    /// <summary>One target's YAML (under <c>targets:</c>) for <paramref name="provider"/> served by the fake at <paramref name="baseUrl"/>.</summary>
    public static string Target(string provider, string baseUrl)
    {
        var model = Model(provider);
        var (options, auth) = provider switch
        {
            "openai" => ($"upstream_url: '{baseUrl}/v1/chat/completions'", Header("Authorization", "Bearer ", "DECK_OPENAI_API_KEY")),
            "anthropic" => ($"upstream_url: '{baseUrl}/v1/messages', anthropic_version: '2023-06-01', max_tokens: 256",
                Header("x-api-key", "", "DECK_ANTHROPIC_API_KEY")),
            "gemini" => ($"upstream_url: '{baseUrl}/v1beta/models/{model}:generateContent'", Header("x-goog-api-key", "", "DECK_GEMINI_API_KEY")),
            "bedrock" => ($"upstream_url: '{baseUrl}/model/{model}/converse', bedrock: {{aws_region: us-east-1}}",
                "{aws_access_key_id: '${{ env \"DECK_AWS_ACCESS_KEY_ID\" }}', aws_secret_access_key: '${{ env \"DECK_AWS_SECRET_ACCESS_KEY\" }}'}"),
            "ollama" => ($"upstream_url: '{baseUrl}/api/chat'", null),
            "cohere" => ($"upstream_url: '{baseUrl}/v2/chat'", Header("Authorization", "Bearer ", "DECK_COHERE_API_KEY")),
            "azure" => ($"upstream_url: '{baseUrl}/openai/deployments/{model}/chat/completions', azure_api_version: '2024-10-21'",
                Header("api-key", "", "DECK_AZURE_API_KEY")),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "no fake for this provider"),
        };
        var lines = $"        - model: {{provider: {provider}, name: {model}, options: {{{options}}}}}\n          route_type: llm/v1/chat\n";
        return auth is null ? lines : lines + $"          auth: {auth}\n";
    }

    /// <summary>A route <c>/{name}</c> over the given targets, in order.</summary>
    public static string Route(string name, IEnumerable<(string Provider, string BaseUrl)> targets, string balancer = "algorithm: round-robin") =>
        Document(name, balancer, targets.Select(t => Target(t.Provider, t.BaseUrl)));

    /// <summary>A route <c>/{name}</c> over targets already written as YAML (each under <c>targets:</c>).</summary>
    public static string Document(string name, string balancer, IEnumerable<string> targets) =>
        $"""
        _format_version: "3.0"
        services:
        - name: svc-{name}
          routes:
          - name: {name}
            paths: [/{name}]
            plugins:
            - name: ai-proxy-advanced
              config:
                balancer: {"{"}{balancer}{"}"}
                targets:

        """ + string.Concat(targets);

    private static string Header(string name, string prefix, string variable) =>
        $"{{header_name: {name}, header_value: '{prefix}${{{{ env \"{variable}\" }}}}'}}";
}
