namespace Actors.Api.Providers.OpenAICompatible;

/// <summary>
/// What an OpenAI-shaped request may carry for one target: the model's family (reasoning models take
/// <c>max_completion_tokens</c> and only the default sampling), Azure's api-version (each version knows its own set of
/// request fields), and which providers' OpenAI-compatible APIs take <c>top_k</c>. See docs/conformance/openai.md and azure.md.
/// </summary>
public static class OpenAIModels
{
    /// <summary>
    /// OpenAI's reasoning models (o1, o3, o4-mini..., gpt-5 and its dated or sized variants but not gpt-5-chat): they refuse
    /// <c>max_tokens</c> ("Use 'max_completion_tokens' instead") and any <c>temperature</c> or <c>top_p</c> but 1. On Azure
    /// the deployment name says nothing of the model, so the target's <c>model.name</c> decides.
    /// </summary>
    public static bool IsReasoning(string? model)
    {
        if (string.IsNullOrEmpty(model)) return false;
        var name = model[(model.LastIndexOf('/') + 1)..].ToLowerInvariant();
        if (name.Length >= 2 && name[0] == 'o' && char.IsDigit(name[1])) return true;
        return name.StartsWith("gpt-5", StringComparison.Ordinal) && !name.StartsWith("gpt-5-chat", StringComparison.Ordinal);
    }

    /// <summary>The name a reasoning model's output limit goes by.</summary>
    public static string MaxTokensName(string? model) => IsReasoning(model) ? "max_completion_tokens" : "max_tokens";

    /// <summary>
    /// Why a target's configured sampling cannot reach its model (a reasoning model takes only temperature and top_p 1);
    /// null when it can. Checked once per target when the route table is built: such a target is misconfigured, and
    /// says so, rather than failing every request at the provider or losing the setting without a word.
    /// </summary>
    public static string? ConfigurationProblem(ProviderTarget target)
    {
        if (target.RouteType is Grains.Interfaces.Configuration.RouteTypes.Embeddings or Grains.Interfaces.Configuration.RouteTypes.Preserve
            || !IsReasoning(target.ModelName)) return null;
        if (target.Temperature is { } t && t != 1)
            return $"model '{target.ModelName}' is a reasoning model and takes no temperature but 1 (model.options.temperature is {t}); remove the option";
        if (target.TopP is { } p && p != 1)
            return $"model '{target.ModelName}' is a reasoning model and takes no top_p but 1 (model.options.top_p is {p}); remove the option";
        return null;
    }

    /// <summary>
    /// The OpenAI-compatible providers whose chat API takes <c>top_k</c>: vLLM, Databricks (Foundation Model APIs),
    /// DashScope's compatible mode and llama2 in OpenAI format (llama.cpp's server) do; OpenAI, Azure, Mistral, DeepSeek,
    /// xAI, Cerebras and Hugging Face's router have no such field and refuse or ignore it.
    /// </summary>
    public static bool TakesTopK(string provider) => provider is "vllm" or "databricks" or "dashscope" or "llama2";

    /// <summary>Whether the provider's chat API takes <c>stream_options.include_usage</c> (for Azure: from which api-version).</summary>
    public static bool TakesStreamOptions(string provider, string? azureApiVersion) => provider switch
    {
        "azure" => AzureVersionAtLeast(azureApiVersion, "2024-09-01"),
        // OpenAI and the others document OpenAI's stream_options (vLLM, DeepSeek, xAI, Cerebras, Mistral ignores it).
        _ => true,
    };

    /// <summary>Whether an Azure api-version has tools and tool_choice (2023-12-01-preview, GA in 2024-02-01).</summary>
    public static bool AzureTakesTools(string? apiVersion) => AzureVersionAtLeast(apiVersion, "2023-12-01");

    /// <summary>
    /// Whether <paramref name="apiVersion"/> (Azure's <c>YYYY-MM-DD</c> or <c>YYYY-MM-DD-preview</c>) is at least
    /// <paramref name="date"/>. Versions that are not dates (the v1 API's <c>preview</c>, <c>latest</c>, <c>v1</c>) are
    /// the newest; no version at all is Kong's default, 2023-05-15.
    /// </summary>
    public static bool AzureVersionAtLeast(string? apiVersion, string date)
    {
        var version = string.IsNullOrEmpty(apiVersion) ? OpenAICompatibleDrivers.AzureDefaultApiVersion : apiVersion;
        if (version.Length < 10 || !DateOnly.TryParseExact(version[..10], "yyyy-MM-dd", out var day)) return true;
        return day >= DateOnly.ParseExact(date, "yyyy-MM-dd");
    }

    /// <summary>The api-version an Azure endpoint names in its query; null when none.</summary>
    public static string? AzureApiVersion(Uri? url)
    {
        if (url is null) return null;
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0 && Uri.UnescapeDataString(pair[..equals]) == "api-version") return Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return null;
    }
}
