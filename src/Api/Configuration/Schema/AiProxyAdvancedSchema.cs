using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration.Schema;

/// <summary>A spec for fields the gateway accepts and checks but does not keep.</summary>
internal sealed record Unbound;

/// <summary>
/// The <c>config</c> of Kong's <c>ai-proxy-advanced</c> plugin, every field of Kong's 3.15 schema, one line each.
/// Ranges and allowed values come from the model (<see cref="SpecRanges"/>, <see cref="Choices"/>), which checks
/// them again on its own; defaults are the spec records' own.
/// </summary>
internal static class AiProxyAdvancedSchema
{
    private const string NotFiltered = "this gateway does not filter requests by ACL rules; remove the rules";
    private const string CostFields = "cost counts input_cost and output_cost only";

    public static readonly Entity<TargetLoggingSpec> Logging = Entity<TargetLoggingSpec>.Declare(f =>
    [
        f.Flag("log_statistics", s => s.LogStatistics, (s, v) => s with { LogStatistics = v }).NoEffect("the request log line always has the statistics"),
        f.Flag("log_payloads", s => s.LogPayloads, (s, v) => s with { LogPayloads = v }),
    ]);

    public static readonly Entity<AuthSpec> Auth = Entity<AuthSpec>.Declare(f =>
    [
        f.Text("header_name", s => s.HeaderName, (s, v) => s with { HeaderName = v }),
        f.Text("header_value", s => s.HeaderValue, (s, v) => s with { HeaderValue = v }, env: EnvUse.Required),
        f.Text("param_name", s => s.ParamName, (s, v) => s with { ParamName = v }),
        f.Text("param_value", s => s.ParamValue, (s, v) => s with { ParamValue = v }, env: EnvUse.Required),
        f.Text("param_location", s => s.ParamLocation, (s, v) => s with { ParamLocation = v }, oneOf: ParamLocations.Choices),
        f.Flag("allow_override", s => s.AllowOverride, (s, v) => s with { AllowOverride = v })
            .NoEffect("the configured credential is always sent; a client's Authorization and api-key headers are never forwarded"),
        f.Text("aws_access_key_id", s => s.AwsAccessKeyId, (s, v) => s with { AwsAccessKeyId = v }, env: EnvUse.Required),
        f.Text("aws_secret_access_key", s => s.AwsSecretAccessKey, (s, v) => s with { AwsSecretAccessKey = v }, env: EnvUse.Required),
        f.Text("azure_client_id", s => s.AzureClientId, (s, v) => s with { AzureClientId = v }, env: EnvUse.Allowed),
        f.Text("azure_client_secret", s => s.AzureClientSecret, (s, v) => s with { AzureClientSecret = v }, env: EnvUse.Required),
        f.Text("azure_tenant_id", s => s.AzureTenantId, (s, v) => s with { AzureTenantId = v }, env: EnvUse.Allowed),
        f.Flag("azure_use_managed_identity", s => s.AzureUseManagedIdentity, (s, v) => s with { AzureUseManagedIdentity = v }),
        f.Text("gcp_metadata_url", s => s.GcpMetadataUrl, (s, v) => s with { GcpMetadataUrl = v }, env: EnvUse.Allowed),
        f.Text("gcp_oauth_token_url", s => s.GcpOauthTokenUrl, (s, v) => s with { GcpOauthTokenUrl = v }, env: EnvUse.Allowed),
        f.Text("gcp_service_account_json", s => s.GcpServiceAccountJson, (s, v) => s with { GcpServiceAccountJson = v }, env: EnvUse.Required),
        f.Flag("gcp_use_service_account", s => s.GcpUseServiceAccount, (s, v) => s with { GcpUseServiceAccount = v }),
    ]);

    private static readonly Field<ModelOptions> Bedrock = ProviderOptionFactory.Group("bedrock", o =>
    [
        o.Text("aws_assume_role_arn"), o.Text("aws_region"), o.Text("aws_role_session_name"), o.Text("aws_sts_endpoint_url"),
        o.Text("batch_bucket_prefix"), o.Text("batch_role_arn"), o.Flag("embeddings_normalize"), o.Text("performance_config_latency"),
        o.Text("video_output_s3_uri"),
    ]);

    private static readonly Field<ModelOptions> HuggingFace = ProviderOptionFactory.Group("huggingface", o => [o.Flag("use_cache"), o.Flag("wait_for_model")]);

    private static readonly Field<ModelOptions> UpstreamUrl = FieldFactory<ModelOptions>.Instance.Text("upstream_url",
        s => s.UpstreamUrl, (s, v) => s with { UpstreamUrl = v }, env: EnvUse.Allowed,
        check: (url, reader) => ModelOptions.UrlProblem(EnvPlaceholders.Resolve(url, reader.Environment, out _)));

    private static readonly Entity<Unbound> CacheWriteCost = Entity<Unbound>.Declare(f =>
        [f.Number("cost", SpecRanges.Cost).Required(), f.Text("ttl").Required()]);

    private static readonly Entity<Unbound> ContextWindowFactor = Entity<Unbound>.Declare(f =>
        [f.Text("above").Required(), f.Number("input_factor", SpecRanges.NonNegative).Required(), f.Number("output_factor", SpecRanges.NonNegative).Required()]);

    private static readonly Entity<Unbound> ServiceTierFactor = Entity<Unbound>.Declare(f =>
        [f.Number("factor", SpecRanges.NonNegative).Required(), f.Text("tier", notEmpty: true).Required()]);

    private static readonly string[] CohereInputTypes = ["classification", "clustering", "image", "search_document", "search_query"];

    public static readonly Entity<ModelOptions> Options = Entity<ModelOptions>.Declare(f =>
    [
        f.Number("temperature", SpecRanges.Temperature, s => s.Temperature, (s, v) => s with { Temperature = v }),
        f.Int("max_tokens", SpecRanges.MaxTokens, s => s.MaxTokens, (s, v) => s with { MaxTokens = v }),
        f.Number("top_p", SpecRanges.TopP, s => s.TopP, (s, v) => s with { TopP = v }),
        f.Int("top_k", SpecRanges.TopK, s => s.TopK, (s, v) => s with { TopK = v }),
        UpstreamUrl,
        f.Number("input_cost", SpecRanges.Cost, s => s.InputCost, (s, v) => s with { InputCost = v }),
        f.Number("output_cost", SpecRanges.Cost, s => s.OutputCost, (s, v) => s with { OutputCost = v }),
        f.Number("cache_read_cost", SpecRanges.Cost).NoEffect(CostFields),
        f.Number("cache_write_cost", SpecRanges.Cost).NoEffect(CostFields),
        f.Records("cache_write_cost_list", CacheWriteCost).NoEffect(CostFields),
        f.Records("context_window_factor", ContextWindowFactor).NoEffect(CostFields),
        f.Records("service_tier_factor", ServiceTierFactor).NoEffect(CostFields),
        // Provider-specific: kept for the provider's driver in ModelOptions.ProviderOptions.
        ProviderOptionFactory.TopLevel.Text("upstream_path"),
        ProviderOptionFactory.TopLevel.Text("anthropic_version"),
        ProviderOptionFactory.TopLevel.Text("azure_api_version"),
        ProviderOptionFactory.TopLevel.Text("azure_deployment_id"),
        ProviderOptionFactory.TopLevel.Text("azure_instance"),
        ProviderOptionFactory.TopLevel.Text("mistral_format", new Choices("mistral format", ["ollama", "openai"], ["ollama", "openai"])),
        ProviderOptionFactory.TopLevel.Text("llama2_format", new Choices("llama2 format", ["ollama", "openai", "raw"], ["ollama", "openai", "raw"])),
        ProviderOptionFactory.TopLevel.Int("embeddings_dimensions", SpecRanges.PositiveInt),
        Bedrock,
        ProviderOptionFactory.Group("cohere", o =>
        [
            o.Text("embedding_input_type", new Choices("embedding input type", CohereInputTypes, CohereInputTypes)), o.Flag("wait_for_model"),
        ]),
        ProviderOptionFactory.Group("dashscope", o => [o.Flag("international")]),
        ProviderOptionFactory.Group("databricks", o => [o.Text("workspace_instance_id")]),
        ProviderOptionFactory.Group("gemini", o => [o.Text("api_endpoint"), o.Text("endpoint_id"), o.Text("location_id"), o.Text("project_id")]),
        HuggingFace,
    ]);

    public static readonly Entity<TargetSpec> Model = Entity<TargetSpec>.Declare(f =>
    [
        f.Text("provider", s => s.Provider, (s, v) => s with { Provider = v }, notEmpty: true, check: DriverProblem).Required(),
        // Unset: the request's model is used (an empty string is refused, as Kong refuses it); preserve writes no model.
        f.Text("name", s => s.ModelName.Length == 0 ? null : s.ModelName, (s, v) => s with { ModelName = v }, notEmpty: true),
        f.Text("model_alias", s => s.ModelAlias, (s, v) => s with { ModelAlias = v }),
        f.Record("options", Options, s => s.Options, (s, v) => s with { Options = v }),
    ]);

    public static readonly Entity<TargetSpec> Target = Entity<TargetSpec>.Declare(f =>
    [
        f.Group("model", Model).Required(),
        f.Text("route_type", s => s.RouteType, (s, v) => s with { RouteType = v }, oneOf: RouteTypes.Choices).Required(),
        f.Record("auth", Auth, s => s.Auth, (s, v) => s with { Auth = v }),
        f.Int("weight", SpecRanges.Weight, s => s.Weight, (s, v) => s with { Weight = v }),
        f.Text("description", s => s.Description, (s, v) => s with { Description = v }),
        f.Record("logging", Logging, s => s.Logging, (s, v) => s with { Logging = v }),
        f.Mapping("metadata").NoEffect(),
    ]).Check("route_type", RouteTypeProblem).Check("model.options.upstream_url", UpstreamUrlProblem);

    public static readonly Entity<BalancerSpec> Balancer = Entity<BalancerSpec>.Declare(f =>
    [
        f.Text("algorithm", s => s.Algorithm, (s, v) => s with { Algorithm = v }, oneOf: BalancerAlgorithms.Choices),
        f.Int("retries", SpecRanges.Retries, s => s.Retries, (s, v) => s with { Retries = v }),
        f.Int("connect_timeout", SpecRanges.TimeoutMs, s => s.ConnectTimeoutMs, (s, v) => s with { ConnectTimeoutMs = v }),
        f.Int("read_timeout", SpecRanges.TimeoutMs, s => s.ReadTimeoutMs, (s, v) => s with { ReadTimeoutMs = v }),
        f.Int("write_timeout", SpecRanges.TimeoutMs, s => s.WriteTimeoutMs, (s, v) => s with { WriteTimeoutMs = v }),
        f.Int("max_fails", SpecRanges.MaxFails, s => s.MaxFails, (s, v) => s with { MaxFails = v }),
        f.Int("fail_timeout", SpecRanges.TimeoutMs, s => s.FailTimeoutMs, (s, v) => s with { FailTimeoutMs = v }),
        f.TextList("failover_criteria", s => s.FailoverCriteria, (s, v) => s with { FailoverCriteria = v }, oneOf: FailoverCriterion.Choices),
        f.Text("latency_strategy", s => s.LatencyStrategy, (s, v) => s with { LatencyStrategy = v }, oneOf: LatencyStrategies.Choices),
        f.Text("tokens_count_strategy", s => s.TokensCountStrategy, (s, v) => s with { TokensCountStrategy = v }, oneOf: TokensCountStrategies.Choices),
        f.Text("hash_on_header", s => s.HashOnHeader, (s, v) => s with { HashOnHeader = v }, check: (v, _) => BalancerSpec.HeaderNameProblem(v)),
        f.Int("slots", SpecRanges.Slots, s => s.Slots, (s, v) => s with { Slots = v }),
    ]);

    private static readonly Entity<ModelOptions> EmbeddingsOptions = Entity<ModelOptions>.Declare(f =>
    [
        UpstreamUrl,
        ProviderOptionFactory.Group("azure", o => [o.Text("api_version"), o.Text("deployment_id"), o.Text("instance")]),
        Bedrock,
        ProviderOptionFactory.Group("gemini", o => [o.Text("api_endpoint"), o.Text("location_id"), o.Text("project_id")]),
        HuggingFace,
    ]);

    private static readonly string[] EmbeddingsProviders = ["azure", "bedrock", "gemini", "huggingface", "mistral", "ollama", "openai"];

    private static readonly Entity<TargetSpec> EmbeddingsModel = Entity<TargetSpec>.Declare(f =>
    [
        f.Text("provider", s => s.Provider, (s, v) => s with { Provider = v },
            oneOf: new Choices("embeddings provider", EmbeddingsProviders, EmbeddingsProviders)).Required(),
        f.Text("name", s => s.ModelName, (s, v) => s with { ModelName = v }, notEmpty: true).Required(),
        f.Record("options", EmbeddingsOptions, s => s.Options, (s, v) => s with { Options = v }),
    ]);

    private static readonly Entity<TargetSpec> Embeddings = Entity<TargetSpec>.Declare(f =>
        [f.Record("auth", Auth, s => s.Auth, (s, v) => s with { Auth = v }), f.Group("model", EmbeddingsModel).Required()])
        .Check("model.options.upstream_url", EmbeddingsUrlProblem);

    private static readonly Entity<VectorDbSpec> VectorDb = Entity<VectorDbSpec>.Declare(f =>
    [
        f.Int("dimensions", SpecRanges.PositiveInt, s => s.Dimensions, (s, v) => s with { Dimensions = v }).Required(),
        f.Text("distance_metric", s => s.DistanceMetric, (s, v) => s with { DistanceMetric = v }, oneOf: VectorDbSpec.Metrics).Required(),
        f.Text("strategy", s => s.Strategy, (s, v) => s with { Strategy = v },
            oneOf: new Choices("vector store", ["pgvector", "redis"], ["pgvector", "redis"])).Required(),
        f.Number("threshold", SpecRanges.NonNegative, s => s.Threshold, (s, v) => s with { Threshold = v }),
        // No vector database is used (the few description vectors stay on each API node): accepted and left alone.
        f.Mapping("redis"),
        f.Mapping("pgvector"),
    ]);

    private static readonly Entity<Unbound> Acls = Entity<Unbound>.Declare(f => [f.Any("allow").Refused(NotFiltered), f.Any("deny").Refused(NotFiltered)]);

    private static readonly string[] GenAICategories =
        ["audio/speech", "audio/transcription", "image/generation", "realtime/generation", "text/embeddings", "text/generation", "video/generation"];

    /// <summary>The plugin's <c>config</c>: the route's balancing, targets and request handling.</summary>
    public static readonly Entity<RouteSpec> Config = Entity<RouteSpec>.Declare(f =>
    [
        f.Records("targets", Target, s => s.Targets, (s, v) => s with { Targets = v }).Required(),
        f.Record("balancer", Balancer, s => s.Balancer, (s, v) => s with { Balancer = v }),
        f.Flag("model_name_header", s => s.ModelNameHeader, (s, v) => s with { ModelNameHeader = v }),
        f.Text("response_streaming", s => s.ResponseStreaming, (s, v) => s with { ResponseStreaming = v }, oneOf: ResponseStreamingModes.Choices),
        f.Int("max_request_body_size", SpecRanges.NonNegativeInt, s => s.MaxRequestBodySize, (s, v) => s with { MaxRequestBodySize = v }),
        f.Text("llm_format", s => s.LlmFormat, (s, v) => s with { LlmFormat = v }, oneOf: LlmFormats.Choices),
        f.Text("genai_category", oneOf: new Choices("genai category", GenAICategories, GenAICategories)).NoEffect().Default("text/generation"),
        f.Record("embeddings", Embeddings, s => s.Embeddings, (s, v) => s with { Embeddings = v }),
        f.Record("vectordb", VectorDb, s => s.VectorDb, (s, v) => s with { VectorDb = v }),
        f.Record("acls", Acls),
    ]);

    /// <summary>A provider this node can forward to: Kong's name alone is not enough, a driver must be registered.</summary>
    private static string? DriverProblem(string provider, SchemaReader reader)
    {
        if (reader.Providers.Find(provider) is not null) return null;
        var supported = "supported: " + string.Join(", ", reader.Providers.Names);
        return ProviderNames.Known.Contains(provider)
            ? $"provider '{provider}' has no driver on this gateway node; {supported}"
            : $"provider '{provider}' is not supported; {supported}";
    }

    /// <summary>A route type the target's driver has no equivalent for: refused here rather than failing every request.</summary>
    private static string? RouteTypeProblem(TargetSpec target, SchemaReader reader)
    {
        if (!RouteTypes.Supported.Contains(target.RouteType) || reader.Providers.Find(target.Provider) is not { } driver) return null;
        return driver.RouteTypes.Contains(target.RouteType) ? null
            : $"route type '{target.RouteType}' has no equivalent for provider '{target.Provider}' on this gateway; "
              + $"'{target.Provider}' serves: {string.Join(", ", RouteTypes.Supported.Where(driver.RouteTypes.Contains))}";
    }

    /// <summary>
    /// The embeddings model needs <c>upstream_url</c> unless its provider's driver knows its embeddings endpoint
    /// (OpenAI, Azure with <c>azure.instance</c> and <c>azure.deployment_id</c>, Mistral, Gemini, Bedrock with a region).
    /// </summary>
    private static string? EmbeddingsUrlProblem(TargetSpec embeddings, SchemaReader reader)
    {
        if (embeddings.Options.UpstreamUrl is not null || embeddings.ModelName.Length == 0) return null;
        var endpoint = Routing.Semantic.EmbeddingsEndpoint.Resolve(embeddings, null, reader.Providers, _ => null);
        return endpoint.Url is null
            ? $"required for embeddings provider '{embeddings.Provider}' (its embeddings endpoint is not known without it)"
            : null;
    }

    private static string? UpstreamUrlProblem(TargetSpec target, SchemaReader reader)
    {
        if (target.Options.UpstreamUrl is not null || target.ModelName.Length == 0 || reader.Providers.Find(target.Provider) is not { } driver) return null;
        if (!driver.RouteTypes.Contains(target.RouteType)) return null;
        var probe = new ProviderTarget
        {
            Provider = target.Provider, ModelName = target.ModelName, Options = target.Options.ProviderOptions, RouteType = target.RouteType,
        };
        return driver.ResolveUrl(probe, null, stream: false) is null ? $"required for provider '{target.Provider}'" : null;
    }
}
