using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Ollama;

/// <summary>
/// OpenAI chat → <c>/api/chat</c> body: messages keep their roles (images as base64 <c>images</c>, tool calls with
/// object arguments, tool results with <c>tool_name</c>), sampling in <c>options</c> (<c>max_tokens</c> is
/// <c>num_predict</c>), tools as OpenAI declares them, <c>stream</c> always explicit, JSON mode as <c>format</c>
/// (<c>"json"</c>, or the schema itself).
/// </summary>
public static class OllamaRequestWriter
{
    private static readonly SamplingNames Sampling = new("temperature", "top_p", "top_k", "num_predict", "stop");

    public static void Write(OpenAIChatRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        DataUrl.RequireInline(request, "Ollama");
        var toolNames = Turns.ToolNames(request.Messages);
        var format = ResponseFormat.Of(request);
        using var w = Json.Writer(body);
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteStartArray("messages");
        foreach (var message in request.Messages) WriteMessage(w, message, toolNames);
        w.WriteEndArray();
        w.WriteBoolean("stream", request.Stream);
        w.WriteSamplingObject("options", request, Sampling);
        if (request.Tools.Count > 0) NativeJson.WriteOpenAITools(w, request.Tools, defaultSchema: null);
        if (format?.SchemaJson is { } schema)
        {
            w.WritePropertyName("format");
            w.WriteRawValue(schema);
        }
        else if (format is not null) w.WriteString("format", "json");
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage message, Dictionary<string, string> toolNames)
    {
        w.WriteStartObject();
        w.WriteString("role", message.IsToolResult ? "tool" : message.IsSystem ? "system" : message.Role);
        w.WriteString("content", message.Text);
        var images = message.Parts.Select(p => p.ImageUrl is { } url && DataUrl.TryParse(url, out _, out var data) ? data : null).OfType<string>().ToList();
        w.WriteStrings("images", images);
        if (message.IsToolResult) w.WriteIf("tool_name", message.Name ?? toolNames.GetValueOrDefault(message.ToolCallId ?? ""));
        if (message.ToolCalls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in message.ToolCalls) NativeJson.WriteToolCall(w, call, "function", "arguments");
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
