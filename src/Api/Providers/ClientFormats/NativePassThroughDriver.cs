using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats;

/// <summary>
/// A target whose provider speaks the client's format natively (an Anthropic client to an Anthropic target): the
/// client's request goes through with only the target's model and configured options written in
/// (<paramref name="applyTarget"/>), and the answer, stream and errors come back byte for byte. The provider's own
/// driver still adds its headers or signature, and reads the token counts as the bytes pass.
/// </summary>
public sealed class NativePassThroughDriver(INativeRequestDriver provider, Action<JsonObject, ProviderTarget> applyTarget,
    string streamContentType = "text/event-stream") : IClientFormatDriver
{
    public string Name => provider.Name;

    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) => provider.ResolveUrl(target, configuredUrl, stream);

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> clientRequest, ProviderTarget target, IBufferWriter<byte> body) =>
        WriteClientRequest(clientRequest, StreamMember(clientRequest), target, body);

    public ProviderRequest WriteClientRequest(ReadOnlySpan<byte> clientRequest, bool stream, ProviderTarget target, IBufferWriter<byte> body)
    {
        var request = JsonNode.Parse(clientRequest) as JsonObject ?? throw new ArgumentException("the request is not a JSON object", nameof(clientRequest));
        applyTarget(request, target);
        using (var writer = Json.Writer(body)) request.WriteTo(writer);
        return provider.NativeRequest(target, stream);
    }

    /// <summary>The body as the provider sent it; the counts from the provider's own translation of it.</summary>
    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target)
    {
        var counted = provider.TranslateResponse(providerBody, target);
        return new TranslatedResponse(providerBody.ToArray(), counted?.PromptTokens ?? 0, counted?.CompletionTokens ?? 0);
    }

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) =>
        new CountingPassThrough(provider.CreateStreamTranslator(target, includeUsage: true)) { ContentType = streamContentType };

    /// <summary>The provider's own error, status included: the client speaks its language.</summary>
    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => new(status, providerBody.ToArray());

    /// <summary><c>"stream": true</c> at the top of a JSON request.</summary>
    public static bool StreamMember(ReadOnlySpan<byte> request)
    {
        var reader = new Utf8JsonReader(request);
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
    }

    /// <summary>Sets <paramref name="name"/> in <paramref name="parent"/>'s object member <paramref name="section"/> (created when missing).</summary>
    public static void SetIn(JsonObject parent, string section, string name, JsonNode? value)
    {
        if (value is null) return;
        if (parent[section] is not JsonObject child) parent[section] = child = [];
        child[name] = value;
    }
}

/// <summary>Copies a native stream unchanged while the provider's translator counts its tokens (its output is dropped).</summary>
public sealed class CountingPassThrough(IStreamTranslator? counter) : IStreamTranslator, IStreamContentType
{
    private readonly ArrayBufferWriter<byte> _discarded = new(4096);

    public long PromptTokens => counter?.PromptTokens ?? 0;
    public long CompletionTokens => counter?.CompletionTokens ?? 0;
    public string ContentType { get; init; } = "text/event-stream";

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
