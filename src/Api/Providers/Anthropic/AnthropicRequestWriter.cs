using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Anthropic;

/// <summary>
/// OpenAI chat → Messages API body: system messages to top-level <c>system</c>, the rest to content blocks with
/// consecutive same-role messages merged (tool results travel in a user message), <c>max_tokens</c> always set.
/// </summary>
public static class AnthropicRequestWriter
{
    /// <summary>Anthropic requires <c>max_tokens</c>; used when neither the target nor the client sets one.</summary>
    public const int DefaultMaxTokens = 4096;

    // max_tokens is always written, before the rest.
    private static readonly SamplingNames Sampling = new("temperature", "top_p", "top_k", MaxTokens: null, "stop_sequences");

    public static void Write(OpenAIChatRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        using var w = Json.Writer(body);
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteNumber("max_tokens", request.MaxTokens ?? DefaultMaxTokens);
        WriteSystem(w, request);
        Turns.Write(w, request.Conversation, "messages", "content", role => role, WriteBlocks);
        w.WriteSampling(request, Sampling);
        if (request.Stream) w.WriteBoolean("stream", true);
        WriteTools(w, request);
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    private static void WriteSystem(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        var texts = request.SystemMessages.Select(m => m.Text).Where(t => t.Length > 0).ToList();
        if (texts.Count == 0) return;
        w.WriteStartArray("system");
        foreach (var text in texts) WriteText(w, text);
        w.WriteEndArray();
    }

    private static void WriteBlocks(Utf8JsonWriter w, ChatMessage message)
    {
        if (message.IsToolResult)
        {
            w.WriteStartObject();
            w.WriteString("type", "tool_result");
            w.WriteString("tool_use_id", message.ToolCallId ?? "");
            w.WriteString("content", message.Text);
            w.WriteEndObject();
            return;
        }
        foreach (var part in message.Parts)
        {
            if (part.Text is { Length: > 0 } text) WriteText(w, text);
            else if (part.ImageUrl is { } url) WriteImage(w, url);
        }
        foreach (var call in message.ToolCalls) WriteToolUse(w, call);
    }

    /// <summary>A <c>tool_use</c> content block; Anthropic's answers carry the same block.</summary>
    public static void WriteToolUse(Utf8JsonWriter w, ToolCall call)
    {
        w.WriteStartObject();
        w.WriteString("type", "tool_use");
        w.WriteString("id", call.Id);
        w.WriteString("name", call.Name);
        w.WritePropertyName("input");
        Json.WriteArgumentsObject(w, call.Arguments);
        w.WriteEndObject();
    }

    /// <summary>A <c>text</c> content block.</summary>
    public static void WriteText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void WriteImage(Utf8JsonWriter w, string url)
    {
        w.WriteStartObject();
        w.WriteString("type", "image");
        w.WriteStartObject("source");
        if (DataUrl.TryParse(url, out var mediaType, out var data))
        {
            w.WriteString("type", "base64");
            w.WriteString("media_type", mediaType);
            w.WriteString("data", data);
        }
        else
        {
            w.WriteString("type", "url");
            w.WriteString("url", url);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        if (request.Tools.Count == 0) return;
        w.WriteStartArray("tools");
        foreach (var tool in request.Tools)
        {
            w.WriteStartObject();
            NativeJson.WriteToolDeclaration(w, tool, "input_schema", NativeJson.EmptyObjectSchema);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (request.ToolChoice is not { } choice) return;
        w.WriteStartObject("tool_choice");
        w.WriteString("type", choice.Mode switch
        {
            ToolChoice.Required => "any",
            ToolChoice.None => "none",
            ToolChoice.Function => "tool",
            _ => "auto",
        });
        w.WriteIf("name", choice.FunctionName);
        w.WriteEndObject();
    }
}
