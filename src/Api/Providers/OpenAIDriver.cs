using System.Buffers;

namespace Actors.Api.Providers;

/// <summary>OpenAI itself: the client's format, so bodies, streams and errors pass through unchanged.</summary>
public sealed class OpenAIDriver : IOpenAICompatibleDriver
{
    public const string DefaultUrl = "https://api.openai.com/v1/chat/completions";

    public string Name => "openai";

    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) =>
        Uri.TryCreate(configuredUrl ?? DefaultUrl, UriKind.Absolute, out var uri) ? uri : null;

    /// <remarks>The proxy rewrites OpenAI requests byte for byte itself (<c>ChatRequestRewriter</c>).</remarks>
    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body)
    {
        body.Write(openAIRequest);
        return new ProviderRequest();
    }

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) => null;

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) => null;

    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => new(status, providerBody.ToArray());
}
