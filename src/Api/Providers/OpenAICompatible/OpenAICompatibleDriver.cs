using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.OpenAICompatible;

/// <summary>
/// A provider that speaks OpenAI's chat API at its own URL (Azure, Mistral, DeepSeek, xAI, Cerebras, vLLM, Databricks,
/// DashScope, Hugging Face, llama2 in OpenAI format): the request gets the target's model and configured options,
/// answers, streams and errors pass through.
/// </summary>
/// <param name="routeTypes">The route types the provider's API serves (default: chat and preserve); the endpoint of
/// each is the chat endpoint's sibling (<see cref="ProviderUrls.ForRouteType"/>) unless <c>upstream_url</c> names one.</param>
public sealed class OpenAICompatibleDriver(string name, Func<ProviderTarget, string?, bool, Uri?> resolveUrl,
    IReadOnlyCollection<string>? routeTypes = null) : IProviderDriver
{
    public string Name => name;

    public IReadOnlyCollection<string> RouteTypes { get; } = routeTypes ?? IProviderDriver.ChatAndPreserve;

    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream)
    {
        var url = resolveUrl(target, configuredUrl, stream);
        // Kong's upstream_url is the whole endpoint: only a default one is moved to the route type's path.
        return configuredUrl is null ? ProviderUrls.ForRouteType(url, target.RouteType) : url;
    }

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body)
    {
        var request = JsonNode.Parse(openAIRequest) as JsonObject ?? throw new ArgumentException("the request is not a JSON object", nameof(openAIRequest));
        Rewrite(request, target);
        using (var writer = Json.Writer(body)) request.WriteTo(writer);
        return new ProviderRequest { Stream = request["stream"]?.GetValueKind() == JsonValueKind.True };
    }

    /// <summary>
    /// The target's model and configured options replace the client's, as Kong's drivers do; a configured <c>top_k</c>
    /// only where the provider's API has one (<see cref="OpenAIModels.TakesTopK"/>).
    /// </summary>
    public static void Rewrite(JsonObject request, ProviderTarget target)
    {
        request["model"] = target.ModelName;
        if (target.Temperature is { } temperature) request["temperature"] = temperature;
        if (target.MaxTokens is { } maxTokens)
        {
            // A reasoning model deployed on Azure takes max_completion_tokens only, as OpenAI's do.
            var name = OpenAIModels.MaxTokensName(target.ModelName);
            request.Remove("max_tokens");
            request.Remove("max_completion_tokens");
            request[name] = maxTokens;
        }
        if (target.TopP is { } topP) request["top_p"] = topP;
        // top_k is no OpenAI field: OpenAI and Azure refuse it ("Unrecognized request argument supplied: top_k").
        if (target.TopK is { } topK && OpenAIModels.TakesTopK(target.Provider)) request["top_k"] = topK;
        if (target.AuthParamLocation == Grains.Interfaces.Configuration.ParamLocations.Body && target.AuthParamName is { } param) request[param] = target.AuthParamValue;
    }

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) => null;

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) => null;

    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => ProviderErrors.PassOrWrap(name, status, providerBody);

    /// <summary>A provider with one fixed default endpoint (null: <c>upstream_url</c> is required).</summary>
    public static OpenAICompatibleDriver WithDefault(string name, string? defaultUrl, IReadOnlyCollection<string>? routeTypes = null) =>
        new(name, (_, configured, _) => ProviderUrls.Absolute(configured ?? defaultUrl), routeTypes);
}
