using System.Net.Http.Headers;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Providers.Embeddings;

namespace Actors.Api.Providers.Exchanges;

/// <summary>
/// An embeddings target whose provider has its own embeddings API (<see cref="IProviderDriver.Embeddings"/>): the
/// client's OpenAI request becomes the provider's, and the answer comes back as OpenAI's list in the encoding the
/// client asked for, with the provider's token count.
/// </summary>
public sealed class EmbeddingsExchange(IProviderDriver driver, IEmbeddingsTranslation translation, ProviderTarget target, TargetUrls urls)
    : TargetExchange(target, urls)
{
    public override PreparedRequest? Prepare(in ExchangeRequest request, ArrayPoolBufferWriter<byte> body, out string? error)
    {
        error = null;
        ProviderRequest provider;
        EmbeddingsAnswerTranslation answer;
        try
        {
            var (embeddings, base64) = OpenAIEmbeddings.ReadRequest(request.Body.Span, Target);
            var limit = translation.MaxInputs(Target);
            if (embeddings.Inputs.Count > limit)
                throw new NotSupportedException($"model '{Target.ModelName}' embeds at most {limit} text{(limit == 1 ? "" : "s")} per request");
            provider = translation.WriteRequest(embeddings, Target, body);
            answer = new EmbeddingsAnswerTranslation(driver, translation, Target, embeddings.Inputs.Count, base64);
        }
        catch (NotSupportedException ex)
        {
            error = CannotSend(ex.Message);
            return null;
        }
        return new PreparedRequest(body.WrittenMemory, UrlFor(stream: false), Stream: false, answer) { Headers = provider.Headers, Sign = provider.Sign };
    }

    /// <summary>The provider's vectors → OpenAI's list for one request (how many texts, which encoding).</summary>
    private sealed class EmbeddingsAnswerTranslation(IProviderDriver driver, IEmbeddingsTranslation translation, ProviderTarget embedded, int inputs, bool base64)
        : TranslatedAnswer(driver, embedded, includeUsage: false)
    {
        public override TranslatedResponse TranslateBody(ReadOnlySpan<byte> providerBody, HttpResponseHeaders headers)
        {
            var answer = translation.ReadAnswer(providerBody, headers, Target, inputs);
            return new TranslatedResponse(OpenAIEmbeddings.WriteAnswer(answer, Target.ModelName, base64), answer.PromptTokens, 0);
        }
    }
}
