using System.Text.Json;
using Actors.Api.Errors;
using Actors.Api.Providers.Anthropic;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats.Anthropic;

/// <summary>Anthropic's Messages API ↔ the internal OpenAI chat shape, for targets that are not Anthropic.</summary>
/// <param name="traits">What the target's internal request may carry; null: decided from the target alone.</param>
public sealed class AnthropicCodec(InternalTarget? traits = null) : IClientCodec
{
    public void WriteInternalRequest(JsonElement clientRequest, ProviderTarget target, bool stream, Utf8JsonWriter openAI) =>
        AnthropicRequestConverter.Write(clientRequest, target, stream, openAI, traits ?? InternalTarget.For(target, null));

    public byte[] WriteResponse(ChatCompletion completion) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", MessageId(completion.Id));
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", completion.Model);
        w.WriteStartArray("content");
        if (!string.IsNullOrEmpty(completion.Content)) AnthropicRequestWriter.WriteText(w, completion.Content);
        foreach (var call in completion.ToolCalls) AnthropicRequestWriter.WriteToolUse(w, call);
        w.WriteEndArray();
        w.WriteString("stop_reason", StopReason(completion.FinishReason));
        w.WriteNull("stop_sequence");
        WriteUsage(w, completion.PromptTokens, completion.CompletionTokens, completion.CachedTokens);
        w.WriteEndObject();
    });

    public IStreamTranslator CreateStreamWriter(ProviderTarget target) => new AnthropicEventWriter(target.ModelName);

    /// <remarks>A provider stream without usage (Azure before 2024-09-01) is counted: about 4 request bytes a prompt token.</remarks>
    public IStreamTranslator CreateStreamWriter(ProviderTarget target, int internalRequestBytes) =>
        new AnthropicEventWriter(target.ModelName, Math.Max(1, internalRequestBytes / 4));

    /// <summary>The provider's error, in Anthropic's shape as the gateway's own are: status and message kept.</summary>
    public TranslatedError WriteError(TranslatedError openAIError)
    {
        string? message, type;
        using (var document = Json.TryParse(openAIError.Body))
        {
            var error = document is null ? default : Json.At(document.RootElement, "error");
            (message, type) = (Json.String(error, "message"), Json.String(error, "type"));
        }
        var status = openAIError.Status;
        var shaped = new GatewayError(status, type ?? OpenAIError.Upstream, message ?? $"the provider answered with status {status}");
        return new TranslatedError(status, AnthropicErrorShape.Instance.Body(shaped));
    }

    /// <summary>OpenAI's <c>finish_reason</c> → Anthropic's <c>stop_reason</c>.</summary>
    public static string StopReason(string? finishReason) => finishReason switch
    {
        FinishReasons.Length => "max_tokens",
        FinishReasons.ToolCalls or "function_call" => "tool_use",
        FinishReasons.ContentFilter => "refusal",
        _ => "end_turn",
    };

    /// <summary>Anthropic's ids start with <c>msg_</c>; an OpenAI id keeps its unique part.</summary>
    public static string MessageId(string id) => id.StartsWith("msg_", StringComparison.Ordinal) ? id : "msg_" + id.Replace("chatcmpl-", "", StringComparison.Ordinal);

    public static void WriteUsage(Utf8JsonWriter w, long input, long output) => WriteUsage(w, input, output, 0);

    /// <summary>
    /// Anthropic's usage from OpenAI's counts: OpenAI's prompt tokens include the cached ones, Anthropic's
    /// <c>input_tokens</c> do not (<c>cache_read_input_tokens</c> counts them apart).
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter w, long input, long output, long cached)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", Math.Max(0, input - cached));
        w.WriteNumber("cache_creation_input_tokens", 0);
        w.WriteNumber("cache_read_input_tokens", cached);
        w.WriteNumber("output_tokens", output);
        w.WriteEndObject();
    }
}
