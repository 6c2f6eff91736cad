using System.Net.Http.Headers;
using System.Text.Json;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Providers.Exchanges;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats;

/// <summary>
/// A client format wrapped around any chat exchange: client → internal OpenAI chat (<see cref="IClientCodec"/>) →
/// the target's own exchange (<paramref name="inner"/>, as an OpenAI client would get it), and the answer back the
/// same way. With the providers' own halves, any client format reaches any provider: two converters per format.
/// </summary>
public sealed class CodecExchange(IClientCodec codec, TargetExchange inner) : TargetExchange(inner.Target, new TargetUrls(inner.Url, inner.StreamUrl))
{
    public override PreparedRequest? Prepare(in ExchangeRequest request, ArrayPoolBufferWriter<byte> body, out string? error)
    {
        using var openAI = new ArrayPoolBufferWriter<byte>(request.Body.Length + 256);
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            using var writer = Json.Writer(openAI);
            codec.WriteInternalRequest(document.RootElement, Target, request.Info.Stream, writer);
        }
        catch (Exception ex) when (TranslatingExchange.IsRefusal(ex))
        {
            error = CannotSend(ex.Message);
            return null;
        }
        // The internal request always asks for usage: every format reports it.
        var prepared = inner.Prepare(request with { Body = openAI.WrittenMemory, Info = request.Info with { IncludeUsage = true } }, body, out error);
        return prepared is null ? null : prepared with { Answer = new CodecAnswer(codec, prepared.Answer, Target, openAI.WrittenCount) };
    }

    /// <summary>The inner exchange's answer (OpenAI's shape, translated or passed through) → the client's format.</summary>
    private sealed class CodecAnswer(IClientCodec codec, ProviderAnswer inner, ProviderTarget target, int internalRequestBytes) : ProviderAnswer
    {
        public override bool Translates => true;

        public override TranslatedResponse TranslateBody(ReadOnlySpan<byte> providerBody, HttpResponseHeaders headers)
        {
            var internalBody = inner.TranslateBody(providerBody, headers)?.Body;
            using var document = internalBody is null ? Json.TryParse(providerBody) : Json.TryParse(internalBody);
            if (document is null) throw new FormatException($"the {target.Provider} answer is not JSON");
            var completion = ChatCompletion.Read(document.RootElement);
            return new TranslatedResponse(codec.WriteResponse(completion), completion.PromptTokens, completion.CompletionTokens);
        }

        public override IStreamTranslator CreateStreamTranslator() =>
            new ChainedStreamTranslator(inner.CreateStreamTranslator(), codec.CreateStreamWriter(target, internalRequestBytes));

        public override TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) =>
            codec.WriteError(inner.TranslateError(status, providerBody));
    }
}
