using System.Buffers;
using Actors.Api.Providers.Embeddings;

namespace Actors.Api.Providers;

/// <summary>
/// One LLM provider's wire format, as in Kong's <c>kong/llm/drivers</c>: it turns the client's OpenAI chat request
/// into the provider's native request, and the provider's answer, stream and errors back into OpenAI's shapes.
/// A driver never opens sockets, applies timeouts or retries: the forwarder does that around it.
/// </summary>
/// <remarks>
/// Providers that speak OpenAI's format return null from <see cref="TranslateResponse"/> and
/// <see cref="CreateStreamTranslator"/>: the provider's bytes are copied unchanged. How a target's requests and answers
/// are exchanged is decided once per target by <see cref="Exchanges.TargetExchanges"/>.
/// </remarks>
public interface IProviderDriver
{
    /// <summary>The name used in <c>model.provider</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The <c>route_type</c>s this driver serves (<see cref="Actors.Grains.Interfaces.Configuration.RouteTypes"/>); a
    /// config naming another for this provider is refused. Chat is translated; <c>preserve</c> passes the client's
    /// path and body to the provider's host untouched.
    /// </summary>
    IReadOnlyCollection<string> RouteTypes => ChatAndPreserve;

    public static readonly IReadOnlyCollection<string> ChatAndPreserve =
        [Grains.Interfaces.Configuration.RouteTypes.Chat, Grains.Interfaces.Configuration.RouteTypes.Preserve];

    /// <summary>
    /// The provider's native embeddings API, translated from and to OpenAI's (<c>llm/v1/embeddings</c>, and the
    /// <c>semantic</c> algorithm's <c>config.embeddings</c>); null when the provider has none, or speaks OpenAI's.
    /// </summary>
    IEmbeddingsTranslation? Embeddings => null;

    /// <summary>
    /// The exchange a chat target of this provider gets for OpenAI clients: the driver's own translation, unless the
    /// provider takes OpenAI's chat request as it is.
    /// </summary>
    Exchanges.TargetExchange ChatExchange(ProviderTarget target, Exchanges.TargetUrls urls) => new Exchanges.TranslatingExchange(this, target, urls);

    /// <summary>
    /// What the driver adds to a request already in its provider's native format (version headers, a signature), for
    /// a client format that is the provider's own (<c>llm_format</c> <c>anthropic</c>, <c>gemini</c>, <c>bedrock</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">The provider's native API is not a client format.</exception>
    ProviderRequest NativeRequest(ProviderTarget target, bool stream) =>
        throw new NotSupportedException($"provider '{Name}' has no client format of its own");

    /// <summary>
    /// The endpoint for one attempt: <paramref name="configuredUrl"/> (the target's <c>upstream_url</c>, already
    /// resolved) when set, else the provider's default as Kong's driver builds it. Drivers with a separate streaming
    /// endpoint switch to it when <paramref name="stream"/> is true, even under a configured URL. Null: no usable URL.
    /// </summary>
    Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream);

    /// <summary>
    /// Writes the provider's request body for one OpenAI chat request (<paramref name="openAIRequest"/>, a JSON object
    /// already checked by the request reader) into <paramref name="body"/>, and returns the headers to add (auth,
    /// versions) and whether the provider will answer with a stream.
    /// </summary>
    ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body);

    /// <summary>
    /// A successful non-streaming body in the provider's format → an OpenAI <c>chat.completion</c>. Null: the body is
    /// OpenAI's already and goes to the client unchanged.
    /// </summary>
    TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target);

    /// <summary>A translator for one streamed response; null when the provider streams OpenAI SSE already.</summary>
    IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage);

    /// <summary>A provider error (status 400 or more) → an OpenAI-shaped error and the status the client gets.</summary>
    TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody);
}

/// <summary>
/// Turns a provider's stream (SSE, NDJSON, AWS event-stream, ...) into OpenAI <c>chat.completion.chunk</c> events as
/// bytes arrive. Chunks may split events anywhere; the translator keeps what it needs between calls.
/// </summary>
public interface IStreamTranslator
{
    /// <summary>Feeds provider bytes; writes whatever complete OpenAI SSE events they yield.</summary>
    void Feed(ReadOnlySpan<byte> providerBytes, IBufferWriter<byte> openAISse);

    /// <summary>The provider's stream ended: writes the closing events (usage chunk when asked, <c>data: [DONE]</c>).</summary>
    void Complete(IBufferWriter<byte> openAISse);

    long PromptTokens { get; }
    long CompletionTokens { get; }
}
