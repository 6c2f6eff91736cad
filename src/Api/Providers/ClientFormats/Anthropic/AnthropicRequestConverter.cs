using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats.Anthropic;

/// <summary>
/// An Anthropic Messages request → the internal OpenAI chat request: <c>system</c> becomes the first message,
/// content blocks become parts (text, images), <c>tool_use</c> blocks tool calls, <c>tool_result</c> blocks tool
/// messages, <c>stop_sequences</c> <c>stop</c>, tools and <c>tool_choice</c> OpenAI's. Thinking and document blocks,
/// and the client's <c>top_k</c> (OpenAI has none), are dropped.
/// </summary>
public static class AnthropicRequestConverter
{
    public static void Write(JsonElement request, ProviderTarget target, bool stream, Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteStartArray("messages");
        WriteSystem(w, Json.At(request, "system"));
        foreach (var message in Json.Array(Json.At(request, "messages"))) WriteMessage(w, message);
        w.WriteEndArray();
        w.WriteIf("max_tokens", (long?)target.MaxTokens ?? Json.Long(request, "max_tokens"));
        w.WriteIf("temperature", target.Temperature ?? Json.Double(request, "temperature"));
        w.WriteIf("top_p", target.TopP ?? Json.Double(request, "top_p"));
        w.WriteIf("top_k", (long?)target.TopK);
        var stop = Json.Array(Json.At(request, "stop_sequences")).Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).ToArray();
        w.WriteStrings("stop", stop);
        if (stream)
        {
            w.WriteBoolean("stream", true);
            w.WriteStartObject("stream_options");
            w.WriteBoolean("include_usage", true);
            w.WriteEndObject();
        }
        WriteTools(w, request);
        w.WriteIf("user", Json.String(Json.At(request, "metadata"), "user_id"));
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    private static void WriteSystem(Utf8JsonWriter w, JsonElement system)
    {
        var text = system.ValueKind == JsonValueKind.String ? system.GetString() : TextOf(system);
        if (string.IsNullOrEmpty(text)) return;
        w.WriteStartObject();
        w.WriteString("role", "system");
        w.WriteString("content", text);
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, JsonElement message)
    {
        var role = Json.String(message, "role") ?? "user";
        var content = Json.At(message, "content");
        if (content.ValueKind == JsonValueKind.String)
        {
            w.WriteStartObject();
            w.WriteString("role", role);
            w.WriteString("content", content.GetString());
            w.WriteEndObject();
            return;
        }
        var blocks = Json.Array(content).ToArray();
        if (role == "assistant") WriteAssistant(w, blocks);
        else WriteUser(w, blocks);
    }

    /// <summary>Text joined into the content; tool_use blocks into tool_calls (content null when only calls).</summary>
    private static void WriteAssistant(Utf8JsonWriter w, JsonElement[] blocks)
    {
        var text = TextOf(blocks);
        var calls = blocks.Where(b => Json.String(b, "type") == "tool_use").ToArray();
        w.WriteStartObject();
        w.WriteString("role", "assistant");
        if (text.Length == 0 && calls.Length > 0) w.WriteNull("content");
        else w.WriteString("content", text);
        if (calls.Length > 0)
            ChatCompletion.WriteToolCalls(w, [.. calls.Select(c => new ToolCall(Json.String(c, "id") ?? "", Json.String(c, "name") ?? "",
                ChatCompletion.ArgumentsText(Json.At(c, "input"))))]);
        w.WriteEndObject();
    }

    /// <summary>Tool results first (OpenAI wants them right after the assistant's calls), then the rest as one user message.</summary>
    private static void WriteUser(Utf8JsonWriter w, JsonElement[] blocks)
    {
        foreach (var result in blocks.Where(b => Json.String(b, "type") == "tool_result"))
        {
            w.WriteStartObject();
            w.WriteString("role", "tool");
            w.WriteString("tool_call_id", Json.String(result, "tool_use_id") ?? "");
            var content = Json.At(result, "content");
            w.WriteString("content", content.ValueKind == JsonValueKind.String ? content.GetString() : TextOf(content));
            w.WriteEndObject();
        }
        var parts = blocks.Where(b => Json.String(b, "type") is "text" or "image").ToArray();
        if (parts.Length == 0) return;
        w.WriteStartObject();
        w.WriteString("role", "user");
        w.WriteStartArray("content");
        foreach (var part in parts) WritePart(w, part);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter w, JsonElement block)
    {
        w.WriteStartObject();
        if (Json.String(block, "type") == "text")
        {
            w.WriteString("type", "text");
            w.WriteString("text", Json.String(block, "text") ?? "");
        }
        else
        {
            var source = Json.At(block, "source");
            var url = Json.String(source, "type") == "url"
                ? Json.String(source, "url")
                : $"data:{Json.String(source, "media_type")};base64,{Json.String(source, "data")}";
            w.WriteString("type", "image_url");
            w.WriteStartObject("image_url");
            w.WriteString("url", url);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Custom tools (those with an <c>input_schema</c>) as functions; Anthropic's server tools have no equivalent.</summary>
    private static void WriteTools(Utf8JsonWriter w, JsonElement request)
    {
        var tools = Json.Array(Json.At(request, "tools")).Where(t => Json.At(t, "input_schema").ValueKind == JsonValueKind.Object).ToArray();
        if (tools.Length == 0) return;
        w.WriteStartArray("tools");
        foreach (var tool in tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", Json.String(tool, "name") ?? "");
            w.WriteIf("description", Json.String(tool, "description"));
            w.WritePropertyName("parameters");
            Json.At(tool, "input_schema").WriteTo(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteToolChoice(w, Json.At(request, "tool_choice"));
    }

    private static void WriteToolChoice(Utf8JsonWriter w, JsonElement choice)
    {
        switch (Json.String(choice, "type"))
        {
            case "auto": w.WriteString("tool_choice", ToolChoice.Auto); break;
            case "any": w.WriteString("tool_choice", ToolChoice.Required); break;
            case "none": w.WriteString("tool_choice", ToolChoice.None); break;
            case "tool":
                w.WriteStartObject("tool_choice");
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", Json.String(choice, "name") ?? "");
                w.WriteEndObject();
                w.WriteEndObject();
                break;
        }
        if (Json.At(choice, "disable_parallel_tool_use").ValueKind == JsonValueKind.True)
            w.WriteBoolean("parallel_tool_calls", false);
    }

    private static string TextOf(JsonElement blocks) => TextOf(Json.Array(blocks));

    private static string TextOf(IEnumerable<JsonElement> blocks)
    {
        var text = new StringBuilder();
        foreach (var block in blocks)
            if (Json.String(block, "type") == "text" && Json.String(block, "text") is { } piece)
                text.Append(text.Length > 0 ? "\n" : "").Append(piece);
        return text.ToString();
    }
}
