namespace Actors.Api.Providers;

/// <summary>
/// What a driver knows of one target on this node: the configured model and options, provider-specific options,
/// and the credentials resolved from this node's environment. Lives only in the API node's memory.
/// </summary>
public sealed record ProviderTarget
{
    public required string Provider { get; init; }
    public required string ModelName { get; init; }
    public double? Temperature { get; init; }
    public int? MaxTokens { get; init; }
    public double? TopP { get; init; }
    public int? TopK { get; init; }
    /// <summary>The target's <c>route_type</c>: which API the endpoint serves.</summary>
    public string RouteType { get; init; } = Grains.Interfaces.Configuration.RouteTypes.Chat;

    /// <summary>
    /// Provider-specific <c>model.options</c>, flattened with dots as Kong nests them: <c>anthropic_version</c>,
    /// <c>azure_instance</c>, <c>azure_deployment_id</c>, <c>azure_api_version</c>, <c>llama2_format</c>,
    /// <c>mistral_format</c>, <c>upstream_path</c>, <c>bedrock.aws_region</c>, <c>gemini.api_endpoint</c>,
    /// <c>gemini.project_id</c>, <c>gemini.location_id</c>, ...
    /// </summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Resolved <c>auth.header_name</c>/<c>header_value</c>; null when the target has none.</summary>
    public string? AuthHeaderName { get; init; }
    public string? AuthHeaderValue { get; init; }
    /// <summary>Resolved <c>auth.param_*</c> (location <c>query</c> or <c>body</c>).</summary>
    public string? AuthParamName { get; init; }
    public string? AuthParamValue { get; init; }
    public string? AuthParamLocation { get; init; }
    /// <summary>Resolved <c>auth.aws_access_key_id</c>/<c>aws_secret_access_key</c> (Bedrock).</summary>
    public string? AwsAccessKeyId { get; init; }
    public string? AwsSecretAccessKey { get; init; }

    /// <summary>Never print credentials.</summary>
    public override string ToString() => $"{Provider}/{ModelName}";
}

/// <summary>What a driver adds to the outgoing request besides its body.</summary>
public sealed record ProviderRequest
{
    /// <summary>Headers to set (auth, API versions, content type when not JSON).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    /// <summary>Whether the provider will answer with a stream.</summary>
    public bool Stream { get; init; }
    /// <summary>
    /// Set by drivers that sign the whole request (Bedrock's SigV4): called with the final method, URL, headers and
    /// body just before sending, returns the headers to add.
    /// </summary>
    public Func<HttpRequestMessage, ReadOnlyMemory<byte>, IEnumerable<KeyValuePair<string, string>>>? Sign { get; init; }
}

/// <summary>A provider body translated to OpenAI's shape, with the token counts it carried.</summary>
public sealed record TranslatedResponse(byte[] Body, long PromptTokens, long CompletionTokens);

/// <summary>A provider error as the client sees it: status and an OpenAI-shaped error body.</summary>
public sealed record TranslatedError(int Status, byte[] Body);
