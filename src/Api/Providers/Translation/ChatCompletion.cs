using System.Text.Json;

namespace Actors.Api.Providers.Translation;

/// <summary>A provider's answer in the terms OpenAI's <c>chat.completion</c> uses, ready to be written.</summary>
public sealed record ChatCompletion
{
    public required string Id { get; init; }
    public required string Model { get; init; }
    public string? Content { get; init; }
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];
    /// <summary>Already one of OpenAI's values (see <see cref="FinishReasons"/>).</summary>
    public required string FinishReason { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    /// <summary>Prompt tokens read from the provider's cache (part of <see cref="PromptTokens"/>); OpenAI's <c>prompt_tokens_details.cached_tokens</c>.</summary>
    public long CachedTokens { get; init; }
    /// <summary>The model's visible reasoning (<c>reasoning_content</c>, as DeepSeek and LiteLLM name it); null when none.</summary>
    public string? ReasoningContent { get; init; }
    /// <summary>
    /// A provider's reasoning blocks as a raw JSON array (<c>thinking_blocks</c>: Anthropic's thinking and redacted_thinking
    /// blocks with their signatures), for the client to send back with the assistant message; null when none.
    /// </summary>
    public string? ThinkingBlocksJson { get; init; }
    /// <summary>Of <see cref="CompletionTokens"/>, those spent thinking (OpenAI's <c>completion_tokens_details.reasoning_tokens</c>); null when unknown.</summary>
    public long? ReasoningTokens { get; init; }

    /// <summary>The OpenAI <c>chat.completion</c>, <c>created</c> at the current time of <paramref name="time"/> (the system clock unless given).</summary>
    public TranslatedResponse ToResponse(TimeProvider? time = null)
    {
        var created = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        return new(Json.Write(writer => Write(writer, created)), PromptTokens, CompletionTokens);
    }

    /// <summary>A provider's JSON answer as the driver's <paramref name="read"/> understands it; null when the body is not JSON.</summary>
    /// <param name="time">The clock of <c>created</c>; the system clock unless given.</param>
    public static TranslatedResponse? Translate(ReadOnlySpan<byte> providerBody, Func<JsonElement, ChatCompletion> read, TimeProvider? time = null)
    {
        using var document = Json.TryParse(providerBody);
        return document is null ? null : read(document.RootElement).ToResponse(time);
    }

    /// <summary>
    /// An OpenAI <c>chat.completion</c> (a provider's own, or one a driver translated) back into this shape, so a client
    /// format other than OpenAI's can write it in its own terms. The first choice only.
    /// </summary>
    public static ChatCompletion Read(JsonElement root)
    {
        var choice = Json.Array(Json.At(root, "choices")).FirstOrDefault();
        var message = Json.At(choice, "message");
        var usage = Json.At(root, "usage");
        return new ChatCompletion
        {
            Id = Json.String(root, "id") ?? NewId(),
            Model = Json.String(root, "model") ?? "",
            Content = Json.String(message, "content"),
            ToolCalls = [.. Json.Array(Json.At(message, "tool_calls")).Select(ToolCall.Read).OfType<ToolCall>()],
            FinishReason = Json.String(choice, "finish_reason") ?? FinishReasons.Stop,
            PromptTokens = Json.Long(usage, "prompt_tokens") ?? 0,
            CompletionTokens = Json.Long(usage, "completion_tokens") ?? 0,
            CachedTokens = CachedTokensOf(usage),
            ReasoningContent = Json.String(message, "reasoning_content"),
            ThinkingBlocksJson = Json.At(message, "thinking_blocks") is { ValueKind: JsonValueKind.Array } blocks ? blocks.GetRawText() : null,
        };
    }

    /// <summary>OpenAI's <c>usage.prompt_tokens_details.cached_tokens</c>; 0 when absent.</summary>
    public static long CachedTokensOf(JsonElement usage) => Json.Long(Json.At(usage, "prompt_tokens_details"), "cached_tokens") ?? 0;

    private void Write(Utf8JsonWriter writer, long created)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", created);
        writer.WriteString("model", Model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        // OpenAI sends null content when the answer is only tool calls.
        if (string.IsNullOrEmpty(Content) && ToolCalls.Count > 0) writer.WriteNull("content");
        else writer.WriteString("content", Content ?? "");
        if (ToolCalls.Count > 0) WriteToolCalls(writer, ToolCalls);
        writer.WriteNull("refusal");
        if (ReasoningContent is not null) writer.WriteString("reasoning_content", ReasoningContent);
        if (ThinkingBlocksJson is not null)
        {
            writer.WritePropertyName("thinking_blocks");
            writer.WriteRawValue(ThinkingBlocksJson);
        }
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", FinishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteUsage(writer, PromptTokens, CompletionTokens, CachedTokens, ReasoningTokens);
        writer.WriteEndObject();
    }

    /// <summary>OpenAI's <c>tool_calls</c> array (Cohere v2 takes the same shape).</summary>
    public static void WriteToolCalls(Utf8JsonWriter writer, IReadOnlyList<ToolCall> calls)
    {
        writer.WriteStartArray("tool_calls");
        foreach (var call in calls)
        {
            writer.WriteStartObject();
            writer.WriteString("id", call.Id);
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", call.Name);
            writer.WriteString("arguments", call.Arguments);
            writer.WriteEndObject();
            WriteExtraContent(writer, call.ExtraContent);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>A tool call's <c>extra_content</c> member (<see cref="ToolCall.ExtraContent"/>), when it has one.</summary>
    public static void WriteExtraContent(Utf8JsonWriter writer, string? extraContent)
    {
        if (extraContent is null) return;
        writer.WritePropertyName("extra_content");
        writer.WriteRawValue(extraContent);
    }

    /// <summary>
    /// OpenAI's usage, with its details when the provider gave them: <paramref name="cached"/> prompt tokens (when
    /// any) as <c>prompt_tokens_details.cached_tokens</c>, <paramref name="reasoning"/> as
    /// <c>completion_tokens_details.reasoning_tokens</c>.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, long prompt, long completion, long cached = 0, long? reasoning = null)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", prompt);
        writer.WriteNumber("completion_tokens", completion);
        writer.WriteNumber("total_tokens", prompt + completion);
        if (cached > 0)
        {
            writer.WriteStartObject("prompt_tokens_details");
            writer.WriteNumber("cached_tokens", cached);
            writer.WriteEndObject();
        }
        if (reasoning is { } thinking)
        {
            writer.WriteStartObject("completion_tokens_details");
            writer.WriteNumber("reasoning_tokens", thinking);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>An id in OpenAI's style for answers whose provider gives none.</summary>
    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>Native tool calls carry their arguments as JSON objects; OpenAI carries them as JSON text.</summary>
    public static string ArgumentsText(JsonElement arguments) => arguments.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => "{}",
        JsonValueKind.String => arguments.GetString()!,
        _ => arguments.GetRawText(),
    };
}

/// <summary>OpenAI's <c>finish_reason</c> values; a provider's own (<c>end_turn</c>, <c>MAX_TOKENS</c>...) never reach a client.</summary>
public static class FinishReasons
{
    public const string Stop = "stop", Length = "length", ToolCalls = "tool_calls", ContentFilter = "content_filter";
}
