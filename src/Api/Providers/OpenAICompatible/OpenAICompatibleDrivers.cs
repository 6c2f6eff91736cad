using Actors.Api.Providers.Translation;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Providers.OpenAICompatible;

/// <summary>The OpenAI-compatible providers with the default URLs Kong's drivers use.</summary>
public static class OpenAICompatibleDrivers
{
    public const string AzureDefaultApiVersion = "2023-05-15";
    public const string MistralUrl = "https://api.mistral.ai:443/v1/chat/completions";

    /// <summary>Providers whose API has OpenAI's embeddings endpoint beside chat.</summary>
    public static readonly IReadOnlyCollection<string> ChatAndEmbeddings = [RouteTypes.Chat, RouteTypes.Embeddings, RouteTypes.Preserve];

    /// <summary>Self-hosted OpenAI-compatible servers (vLLM): chat, legacy completions and embeddings at the configured URL.</summary>
    public static readonly IReadOnlyCollection<string> SelfHosted = [RouteTypes.Chat, RouteTypes.Completions, RouteTypes.Embeddings, RouteTypes.Preserve];

    public static IEnumerable<IProviderDriver> All() =>
    [
        // Azure's deployments serve chat, completions and embeddings under the same path scheme.
        new OpenAICompatibleDriver("azure", AzureUrl, SelfHosted),
        OpenAICompatibleDriver.WithDefault("deepseek", "https://api.deepseek.com/chat/completions"),
        OpenAICompatibleDriver.WithDefault("xai", "https://api.x.ai/v1/chat/completions"),
        OpenAICompatibleDriver.WithDefault("cerebras", "https://api.cerebras.ai/v1/chat/completions"),
        // Self-hosted: only the configured upstream_url.
        OpenAICompatibleDriver.WithDefault("vllm", null, SelfHosted),
        new OpenAICompatibleDriver("databricks", DatabricksUrl, SelfHosted),
        new OpenAICompatibleDriver("dashscope", DashScopeUrl, ChatAndEmbeddings),
        new OpenAICompatibleDriver("huggingface", HuggingFaceUrl),
    ];

    /// <summary>
    /// <c>https://{azure_instance}.openai.azure.com/openai/deployments/{azure_deployment_id}/chat/completions</c>, or the
    /// configured URL; either way with <c>api-version</c> (<c>azure_api_version</c>, default 2023-05-15) unless the URL
    /// already names one.
    /// </summary>
    public static Uri? AzureUrl(ProviderTarget target, string? configured, bool stream)
    {
        var instance = target.Option("azure_instance");
        var deployment = target.Option("azure_deployment_id");
        var url = configured ?? (instance is null || deployment is null ? null
            : $"https://{instance}.openai.azure.com/openai/deployments/{ProviderUrls.Segment(deployment)}/chat/completions");
        return ProviderUrls.Absolute(url) is { } uri
            ? ProviderUrls.WithQuery(uri, "api-version", target.Option("azure_api_version") ?? AzureDefaultApiVersion)
            : null;
    }

    /// <summary>Databricks model serving's OpenAI-compatible endpoint in workspace <c>databricks.workspace_instance_id</c>.</summary>
    public static Uri? DatabricksUrl(ProviderTarget target, string? configured, bool stream) =>
        ProviderUrls.Absolute(configured ?? (target.Option("databricks.workspace_instance_id") is { } workspace
            ? $"https://{workspace}.cloud.databricks.com/serving-endpoints/chat/completions"
            : null));

    /// <summary>DashScope's compatible mode; the international endpoint unless <c>dashscope.international</c> is false.</summary>
    public static Uri? DashScopeUrl(ProviderTarget target, string? configured, bool stream) =>
        ProviderUrls.Absolute(configured ?? (string.Equals(target.Option("dashscope.international"), "false", StringComparison.OrdinalIgnoreCase)
            ? "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"
            : "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions"));

    /// <summary>As Kong: <c>/v1/chat/completions</c> under the model's inference URL, or under the configured base URL.</summary>
    public static Uri? HuggingFaceUrl(ProviderTarget target, string? configured, bool stream)
    {
        var baseUrl = (configured ?? $"https://api-inference.huggingface.co/models/{target.ModelName}").TrimEnd('/');
        return ProviderUrls.Absolute(baseUrl.EndsWith("/chat/completions", StringComparison.Ordinal) ? baseUrl : baseUrl + "/v1/chat/completions");
    }
}
