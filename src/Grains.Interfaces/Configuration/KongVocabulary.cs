namespace Actors.Grains.Interfaces.Configuration;

/// <summary>
/// A closed set of values for one field: every value Kong's 3.15 schema knows, and the subset this build acts on.
/// The decK parser and the model's own validation both check with it, so they report the same words.
/// </summary>
public sealed record Choices(string What, IReadOnlyList<string> Known, IReadOnlyList<string> Supported)
{
    /// <summary>Why a known value is not supported yet, when there is more to say than "not supported".</summary>
    public Func<string, string?> WhyUnsupported { get; init; } = _ => null;

    /// <summary>Null when <paramref name="value"/> is supported; otherwise the problem, naming the supported values.</summary>
    public string? Problem(string value)
    {
        if (Supported.Contains(value)) return null;
        var supported = "supported: " + string.Join(", ", Supported);
        if (!Known.Contains(value)) return $"'{value}' is not a known {What}; {supported}";
        var why = WhyUnsupported(value);
        return why is null ? $"'{value}' is not supported; {supported}" : $"'{value}' is not supported yet ({why}); {supported}";
    }
}

public static class KongPlugins
{
    public const string AiProxyAdvanced = "ai-proxy-advanced";
    public const string KeyAuth = "key-auth";
    public const string RateLimiting = "rate-limiting";
}

/// <summary>Kong's <c>model.provider</c> names. Whether a node can forward to one depends on its registered drivers.</summary>
public static class ProviderNames
{
    public const string OpenAI = "openai";

    public static readonly IReadOnlyList<string> Known =
    [
        "anthropic", "azure", "bedrock", "cerebras", "cohere", "dashscope", "databricks", "deepseek", "gemini",
        "huggingface", "llama2", "mistral", "ollama", OpenAI, "vllm", "xai",
    ];

    public static string? Problem(string provider) =>
        Known.Contains(provider) ? null : $"provider '{provider}' is not a known provider; known: {string.Join(", ", Known)}";
}

public static class BalancerAlgorithms
{
    public const string RoundRobin = "round-robin";
    public const string LowestLatency = "lowest-latency";
    public const string LowestUsage = "lowest-usage";
    public const string ConsistentHashing = "consistent-hashing";
    public const string Priority = "priority";
    public const string LeastConnections = "least-connections";
    /// <summary>Kong's embeddings-based algorithm: the API node narrows the pick to the closest description's targets.</summary>
    public const string Semantic = "semantic";

    /// <summary>Algorithms this build implements.</summary>
    public static readonly IReadOnlyList<string> Supported = [RoundRobin, LowestLatency, LowestUsage, ConsistentHashing, Priority, LeastConnections, Semantic];

    public static readonly Choices Choices = new("algorithm", Supported, Supported);
}

public static class LatencyStrategies
{
    public const string TimePerOutputToken = "tpot";
    public const string EndToEnd = "e2e";
    public static readonly IReadOnlyList<string> Supported = [TimePerOutputToken, EndToEnd];
    public static readonly Choices Choices = new("latency strategy", Supported, Supported);
}

public static class TokensCountStrategies
{
    public const string Total = "total-tokens";
    public const string Prompt = "prompt-tokens";
    public const string Completion = "completion-tokens";
    public const string Cost = "cost";
    public static readonly IReadOnlyList<string> Supported = [Total, Prompt, Completion, Cost];
    public static readonly Choices Choices = new("tokens count strategy", [.. Supported, "llm-accuracy"], Supported);
}

/// <summary>Kong's <c>balancer.failover_criteria</c> values.</summary>
public static class FailoverCriterion
{
    public const string Error = "error";
    public const string Timeout = "timeout";

    /// <summary>Kong's default: failures of the connection and timeouts (and, for a POST, only before it was sent).</summary>
    public static readonly IReadOnlyList<string> Defaults = [Error, Timeout];

    public static readonly IReadOnlyList<string> Supported =
        [Error, Timeout, "invalid_header", "http_403", "http_404", "http_429", "http_500", "http_502", "http_503", "http_504", "non_idempotent"];

    public static readonly Choices Choices = new("failover criterion", Supported, Supported);
}

/// <summary>Kong's <c>targets[].route_type</c>: which API a target serves.</summary>
public static class RouteTypes
{
    public const string Chat = "llm/v1/chat";
    public const string Completions = "llm/v1/completions";
    public const string Embeddings = "llm/v1/embeddings";
    public const string Responses = "llm/v1/responses";
    public const string Preserve = "preserve";

    /// <summary>Route types this build forwards (whether a provider serves one is its driver's business).</summary>
    public static readonly IReadOnlyList<string> Supported = [Chat, Completions, Embeddings, Responses, Preserve];

    public static readonly IReadOnlyList<string> Known =
    [
        "audio/v1/audio/speech", "audio/v1/audio/transcriptions", "audio/v1/audio/translations", "image/v1/images/edits",
        "image/v1/images/generations", "llm/v1/assistants", "llm/v1/batches", Chat, Completions, Embeddings,
        "llm/v1/files", Responses, Preserve, "realtime/v1/realtime", "video/v1/videos/generations",
    ];

    public static readonly Choices Choices = new("route type", Known, Supported);
}

/// <summary>Kong's <c>config.response_streaming</c>.</summary>
public static class ResponseStreamingModes
{
    public const string Allow = "allow";
    public const string Deny = "deny";
    public const string Always = "always";
    public static readonly IReadOnlyList<string> Known = [Allow, Always, Deny];
    public static readonly Choices Choices = new("response streaming mode", Known, Known);
}

/// <summary>
/// Kong's <c>config.llm_format</c>: the format clients speak. <c>anthropic</c> reaches every provider through the
/// gateway's internal (OpenAI chat) shape; <c>gemini</c> and <c>bedrock</c> are passed through to their own provider
/// only, as in Kong.
/// </summary>
public static class LlmFormats
{
    public const string OpenAI = "openai", Anthropic = "anthropic", Gemini = "gemini", Bedrock = "bedrock";
    public static readonly IReadOnlyList<string> Supported = [Anthropic, Bedrock, Gemini, OpenAI];
    public static readonly Choices Choices = new("llm format", [Anthropic, Bedrock, "cohere", Gemini, "huggingface", OpenAI], Supported);

    /// <summary>Formats passed through to their own provider only: every target must be of that provider.</summary>
    public static bool IsNativeOnly(string format) => format is Gemini or Bedrock;

    /// <summary>Why <paramref name="provider"/> cannot serve clients speaking <paramref name="format"/>; null when it can.</summary>
    public static string? ProviderProblem(string format, string provider) =>
        IsNativeOnly(format) && provider != format
            ? $"llm_format '{format}' passes the client's native request through, so every target must be provider '{format}' (this one is '{provider}')"
            : null;
}

/// <summary>Kong's <c>auth.param_location</c>.</summary>
public static class ParamLocations
{
    public const string Query = "query";
    public const string Body = "body";
    public static readonly Choices Choices = new("param location", [Body, Query], [Body, Query]);
}
