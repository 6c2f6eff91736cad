using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Providers;
using Actors.Api.Providers.Embeddings;
using Actors.Api.Routing;

namespace Actors.Api.Proxy.Kinds;

/// <summary>
/// Step 6 (Prepare) of an embeddings request whose target's provider has its own embeddings API
/// (<see cref="IProviderDriver.Embeddings"/>): the client's OpenAI request becomes the provider's, and the answer
/// comes back as OpenAI's list in the encoding the client asked for, with the provider's token count.
/// </summary>
internal static class TranslatedEmbeddings
{
    /// <returns>Null when the provider cannot express the request (token ids, too many texts); <paramref name="error"/> says why.</returns>
    public static PreparedRequest? Prepare(ReadOnlySpan<byte> body, ResolvedTarget target, IEmbeddingsTranslation translation,
        ArrayPoolBufferWriter<byte> output, out string? error)
    {
        error = null;
        var provider = target.Provider;
        ProviderRequest request;
        try
        {
            var (embeddings, base64) = OpenAIEmbeddings.ReadRequest(body, provider);
            var limit = translation.MaxInputs(provider);
            if (embeddings.Inputs.Count > limit)
                throw new NotSupportedException($"model '{provider.ModelName}' embeds at most {limit} text{(limit == 1 ? "" : "s")} per request");
            var inputs = embeddings.Inputs.Count;
            request = translation.WriteRequest(embeddings, provider, output) with
            {
                TranslateResponse = (answerBody, headers) =>
                {
                    var answer = translation.ReadAnswer(answerBody, headers, provider, inputs);
                    return new TranslatedResponse(OpenAIEmbeddings.WriteAnswer(answer, provider.ModelName, base64), answer.PromptTokens, 0);
                },
            };
        }
        catch (NotSupportedException ex)
        {
            error = $"the request cannot be sent to provider '{target.Spec.Provider}': {ex.Message}";
            return null;
        }
        return new PreparedRequest(output.WrittenMemory, target.Upstream!, Stream: false, IncludeUsage: false, request);
    }
}
