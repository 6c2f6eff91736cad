using System.Buffers;
using Actors.Api.Providers.Translation;
using Kong = Actors.Grains.Interfaces.Configuration.RouteTypes;

namespace Actors.Api.Providers;

/// <summary>OpenAI itself: the client's format, so bodies, streams and errors pass through unchanged.</summary>
public sealed class OpenAIDriver : IProviderDriver
{
    public const string DefaultUrl = "https://api.openai.com/v1/chat/completions";
    private const string DefaultOrigin = "https://api.openai.com";

    /// <summary>Each route type's endpoint, as Kong's openai driver builds it.</summary>
    private static readonly Dictionary<string, string> Paths = new(StringComparer.Ordinal)
    {
        [Kong.Chat] = "/v1/chat/completions",
        [Kong.Completions] = "/v1/completions",
        [Kong.Embeddings] = "/v1/embeddings",
        [Kong.Responses] = "/v1/responses",
        [Kong.Preserve] = "/",
    };

    public string Name => "openai";

    public IReadOnlyCollection<string> RouteTypes => Paths.Keys;

    /// <summary>The configured URL as is (Kong's <c>upstream_url</c> is the whole endpoint), else the route type's path (or <c>upstream_path</c>) on api.openai.com.</summary>
    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) =>
        Uri.TryCreate(configuredUrl ?? DefaultOrigin + (target.Option("upstream_path") ?? Paths.GetValueOrDefault(target.RouteType, "/")), UriKind.Absolute, out var uri)
            ? uri : null;

    /// <summary>The client's request is rewritten byte for byte, never parsed and written again.</summary>
    public Exchanges.TargetExchange ChatExchange(ProviderTarget target, Exchanges.TargetUrls urls) => new Exchanges.RewritingExchange(this, target, urls);

    /// <remarks>Used when a client format's codec wrote the OpenAI request already.</remarks>
    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body)
    {
        body.Write(openAIRequest);
        return new ProviderRequest();
    }

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) => null;

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) => null;

    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => new(status, providerBody.ToArray());
}
