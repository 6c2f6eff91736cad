using Actors.Api.Errors;

namespace Actors.Api.Providers.ClientFormats;

/// <summary>
/// What a client format's check (step 4) found in a request: whether the client asked for a stream, or why the
/// request is refused. <see cref="UnknownPath"/>: the path under the route is not this format's endpoint (404).
/// <see cref="Model"/>: the model the request names, for <c>model_alias</c> and an unset <c>model.name</c>.
/// </summary>
public readonly record struct ClientCheck(bool Stream, string? Error = null, bool UnknownPath = false, string? Model = null)
{
    public static ClientCheck Refused(string error) => new(false, error);
    public static ClientCheck NotFound(string error) => new(false, error, UnknownPath: true);
}

/// <summary>
/// A client wire format other than OpenAI's (Kong's <c>config.llm_format</c>): the endpoint and body clients of a
/// route send, the driver each target gets under it, and the shape of the gateway's own errors. The rest of the
/// pipeline (pick, forward, failover, report) is the same for every format.
/// </summary>
public interface IClientFormat
{
    /// <summary>The <c>llm_format</c> value.</summary>
    string Name { get; }

    /// <summary>Step 4 for this format: <paramref name="subPath"/> is the request path after the route's own prefix.</summary>
    ClientCheck Check(string subPath, ReadOnlyMemory<byte> body);

    /// <summary>
    /// The exchange of a chat target of <paramref name="provider"/> for this format's clients; null when this format
    /// cannot reach that provider.
    /// </summary>
    Exchanges.TargetExchange? ExchangeFor(IProviderDriver provider, ProviderTarget target, Exchanges.TargetUrls urls);

    /// <summary>The shape of the errors the gateway itself answers this format's clients (bad request, key-auth, no target...).</summary>
    IErrorShape Errors { get; }
}

/// <summary>The client formats this gateway speaks besides OpenAI's.</summary>
public static class ClientFormatRegistry
{
    private static readonly Dictionary<string, IClientFormat> Formats = new IClientFormat[]
    {
        new Anthropic.AnthropicClientFormat(),
        NativeClientFormat.Gemini,
        NativeClientFormat.Bedrock,
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The format of a route's <c>llm_format</c>; null for OpenAI's, which the pipeline speaks itself.</summary>
    public static IClientFormat? Find(string llmFormat) => Formats.GetValueOrDefault(llmFormat);
}
