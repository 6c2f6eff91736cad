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

    /// <summary>
    /// As <see cref="CreateStreamWriter(ProviderTarget)"/>, told the size of the internal request, from which a format
    /// that must report usage estimates the prompt's tokens when the provider's stream counts none.
    /// </summary>
    IStreamTranslator CreateStreamWriter(ProviderTarget target, int internalRequestBytes) => CreateStreamWriter(target);

    /// <summary>An OpenAI-shaped error → the client's error, same status.</summary>
    TranslatedError WriteError(TranslatedError openAIError);
}
