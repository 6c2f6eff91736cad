using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats;

/// <summary>
/// One client format's two halves of the trip through the gateway's internal shape, OpenAI chat: its request into
/// an OpenAI chat request, and OpenAI's answer, stream and errors into its own. With the drivers' own halves
/// (OpenAI → provider, and back) any client format reaches any provider: 2 converters per format, not one per pair.
/// </summary>
public interface IClientCodec
{
    /// <summary>
    /// Writes the internal OpenAI chat request for <paramref name="clientRequest"/>, with the target's model and
    /// configured options winning, and a usage chunk asked for when streaming (every format reports usage).
    /// </summary>
    void WriteInternalRequest(JsonElement clientRequest, ProviderTarget target, bool stream, Utf8JsonWriter openAI);

    /// <summary>An answer in the internal shape → the client's format.</summary>
    byte[] WriteResponse(ChatCompletion completion);

    /// <summary>A translator from OpenAI <c>chat.completion.chunk</c> events to the client's stream.</summary>
    IStreamTranslator CreateStreamWriter(ProviderTarget target);

    /// <summary>An OpenAI-shaped error → the client's error, same status.</summary>
    TranslatedError WriteError(TranslatedError openAIError);
}

/// <summary>
/// A target's driver for a translated client format: client → internal (<see cref="IClientCodec"/>) → provider
/// (the target's own driver), and back the same way. OpenAI-compatible drivers pass the internal shape through.
/// </summary>
public sealed class TranslatingFormatDriver(IClientCodec codec, IProviderDriver provider) : IClientFormatDriver
{
    public string Name => provider.Name;

    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) => provider.ResolveUrl(target, configuredUrl, stream);

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> clientRequest, ProviderTarget target, IBufferWriter<byte> body) =>
        WriteClientRequest(clientRequest, NativePassThroughDriver.StreamMember(clientRequest), target, body);

    public ProviderRequest WriteClientRequest(ReadOnlySpan<byte> clientRequest, bool stream, ProviderTarget target, IBufferWriter<byte> body)
    {
        var reader = new Utf8JsonReader(clientRequest);
        using var document = JsonDocument.ParseValue(ref reader);
        var openAI = new ArrayBufferWriter<byte>(clientRequest.Length + 256);
        using (var writer = Json.Writer(openAI)) codec.WriteInternalRequest(document.RootElement, target, stream, writer);
        // OpenAI's own driver does not say whether it streams: the client's request does.
        return provider.WriteRequest(openAI.WrittenSpan, target, body) with { Stream = stream };
    }

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target)
    {
        var internalBody = provider.TranslateResponse(providerBody, target)?.Body;
        using var document = internalBody is null ? Json.TryParse(providerBody) : Json.TryParse(internalBody);
        if (document is null) throw new FormatException($"the {provider.Name} answer is not JSON");
        var completion = ChatCompletion.Read(document.RootElement);
        return new TranslatedResponse(codec.WriteResponse(completion), completion.PromptTokens, completion.CompletionTokens);
    }

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) =>
        new ChainedStreamTranslator(provider.CreateStreamTranslator(target, includeUsage: true), codec.CreateStreamWriter(target));

    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => codec.WriteError(provider.TranslateError(status, providerBody));
}

/// <summary>
/// The provider's stream → OpenAI chunks (the provider's translator; none when it streams OpenAI's already) → the
/// client's stream. Token counts come from the last stage, which sees the usage chunk.
/// </summary>
public sealed class ChainedStreamTranslator(IStreamTranslator? toInternal, IStreamTranslator fromInternal) : IStreamTranslator
{
    private readonly ArrayBufferWriter<byte> _internal = new(4096);

    public long PromptTokens => fromInternal.PromptTokens;
    public long CompletionTokens => fromInternal.CompletionTokens;

    public void Feed(ReadOnlySpan<byte> providerBytes, IBufferWriter<byte> output)
    {
        if (toInternal is null)
        {
            fromInternal.Feed(providerBytes, output);
            return;
        }
        toInternal.Feed(providerBytes, _internal);
        Pass(output);
    }

    public void Complete(IBufferWriter<byte> output)
    {
        toInternal?.Complete(_internal);
        Pass(output);
        fromInternal.Complete(output);
    }

    private void Pass(IBufferWriter<byte> output)
    {
        if (_internal.WrittenCount == 0) return;
        fromInternal.Feed(_internal.WrittenSpan, output);
        _internal.ResetWrittenCount();
    }
}
