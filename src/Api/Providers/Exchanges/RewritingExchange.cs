using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;

namespace Actors.Api.Providers.Exchanges;

/// <summary>
/// A provider that takes the client's OpenAI request as it is (OpenAI's chat; any OpenAI API beside chat: completions,
/// embeddings, responses): the request is rewritten byte for byte (<see cref="OpenAIRequestRewriter"/>) and the answer,
/// stream and errors pass through unchanged, usage read as they pass.
/// </summary>
public sealed class RewritingExchange(IProviderDriver driver, ProviderTarget target, TargetUrls urls) : TargetExchange(target, urls)
{
    private readonly OpenAIRequestRewriter _rewriter = new(target);
    private readonly PassedThroughAnswer _answer = new(driver);

    public override PreparedRequest? Prepare(in ExchangeRequest request, ArrayPoolBufferWriter<byte> body, out string? error)
    {
        error = null;
        _rewriter.Write(request.Body.Span, body);
        return new PreparedRequest(body.WrittenMemory, UrlFor(request.Info.Stream), request.Info.Stream, _answer);
    }
}
