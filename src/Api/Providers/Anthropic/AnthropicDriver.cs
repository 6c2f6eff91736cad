using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Anthropic;

/// <summary>Anthropic's Messages API (<c>POST /v1/messages</c>), as Kong's <c>anthropic</c> driver speaks it.</summary>
public sealed class AnthropicDriver : IProviderDriver
{
    public const string DefaultUrl = "https://api.anthropic.com:443/v1/messages";
    /// <summary>Kong's documented <c>anthropic_version</c>; sent when the target sets none.</summary>
    public const string DefaultVersion = "2023-06-01";

    public string Name => "anthropic";

    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) => ProviderUrls.Absolute(configuredUrl ?? DefaultUrl);

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body) =>
        NativeRequest(target, OpenAIChatRequest.Translate(openAIRequest, target, body, AnthropicRequestWriter.Write));

    public ProviderRequest NativeRequest(ProviderTarget target, bool stream) => new()
    {
        Headers = [new("anthropic-version", target.Option("anthropic_version") ?? DefaultVersion)],
        Stream = stream,
    };

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) =>
        AnthropicResponseReader.Read(providerBody, target);

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) =>
        new AnthropicStreamTranslator(target.ModelName, includeUsage);

    /// <remarks><c>{"type":"error","error":{"type":"overloaded_error","message":"..."}}</c></remarks>
    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) =>
        ProviderErrors.Translate(Name, status, providerBody, root =>
            new(Json.String(Json.At(root, "error"), "message"), Json.String(Json.At(root, "error"), "type")));

    /// <summary><c>stop_reason</c> → OpenAI's <c>finish_reason</c>.</summary>
    public static string FinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => FinishReasons.Length,
        "tool_use" => FinishReasons.ToolCalls,
        "refusal" => FinishReasons.ContentFilter,
        _ => FinishReasons.Stop,
    };

    /// <summary>OpenAI's prompt tokens include cached ones; Anthropic counts those apart.</summary>
    public static long PromptTokens(JsonElement usage) =>
        (Json.Long(usage, "input_tokens") ?? 0) + (Json.Long(usage, "cache_creation_input_tokens") ?? 0)
        + (Json.Long(usage, "cache_read_input_tokens") ?? 0);
}
