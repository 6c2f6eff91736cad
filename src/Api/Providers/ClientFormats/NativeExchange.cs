using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Providers.Exchanges;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats;

/// <summary>
/// A target whose provider speaks the client's format natively (an Anthropic client to an Anthropic target): the
/// client's request goes through with only the target's model and configured options written in
/// (<paramref name="applyTarget"/>), and the answer, stream and errors come back byte for byte. The provider's driver
/// still adds its headers or signature (<see cref="IProviderDriver.NativeRequest"/>), and counts the tokens as the bytes pass.
/// </summary>
public sealed class NativeExchange(IProviderDriver provider, Action<JsonObject, ProviderTarget> applyTarget, string streamContentType,
    ProviderTarget target, TargetUrls urls) : TargetExchange(target, urls)
{
    private readonly NativeAnswer _answer = new(provider, target, streamContentType);

    public override PreparedRequest? Prepare(in ExchangeRequest request, ArrayPoolBufferWriter<byte> body, out string? error)
    {
        error = null;
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(request.Body.Span) as JsonObject;
        }
        catch (System.Text.Json.JsonException ex)
        {
            json = null;
            error = ex.Message;
        }
        if (json is null)
        {
            error = CannotSend(error ?? "the request is not a JSON object");
            return null;
        }
        applyTarget(json, Target);
        using (var writer = Json.Writer(body)) json.WriteTo(writer);
        var native = provider.NativeRequest(Target, request.Info.Stream);
        return new PreparedRequest(body.WrittenMemory, UrlFor(native.Stream), native.Stream, _answer) { Headers = native.Headers, Sign = native.Sign };
    }

    /// <summary>The provider's bytes as they are; the token counts from the driver's own reading of them.</summary>
    private sealed class NativeAnswer(IProviderDriver provider, ProviderTarget target, string streamContentType) : ProviderAnswer
    {
        public override bool Translates => true;

        public override TranslatedResponse TranslateBody(ReadOnlySpan<byte> providerBody, HttpResponseHeaders headers)
        {
            var counted = provider.TranslateResponse(providerBody, target);
            return new TranslatedResponse(providerBody.ToArray(), counted?.PromptTokens ?? 0, counted?.CompletionTokens ?? 0);
        }

        public override IStreamTranslator CreateStreamTranslator() => new CountingPassThrough(provider.CreateStreamTranslator(target, includeUsage: true));

        public override string StreamContentType => streamContentType;

        /// <summary>The provider's own error, status included: the client speaks its language.</summary>
        public override TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => new(status, providerBody.ToArray());
    }
}

/// <summary>Copies a native stream unchanged while the provider's translator counts its tokens (its output is dropped).</summary>
public sealed class CountingPassThrough(IStreamTranslator? counter) : IStreamTranslator
{
    private readonly ArrayBufferWriter<byte> _discarded = new(4096);

    public long PromptTokens => counter?.PromptTokens ?? 0;
    public long CompletionTokens => counter?.CompletionTokens ?? 0;

    public void Feed(ReadOnlySpan<byte> providerBytes, IBufferWriter<byte> output)
    {
        output.Write(providerBytes);
        counter?.Feed(providerBytes, _discarded);
        _discarded.ResetWrittenCount();
    }

    public void Complete(IBufferWriter<byte> output)
    {
        counter?.Complete(_discarded);
        _discarded.ResetWrittenCount();
    }
}
