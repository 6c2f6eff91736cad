using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Ollama;

/// <summary>
/// OpenAI chat → <c>/api/chat</c> body: messages keep their roles (images as base64 <c>images</c>, tool calls with
/// object arguments, tool results with <c>tool_name</c>), sampling in <c>options</c> (<c>max_tokens</c> is
/// <c>num_predict</c>), tools as OpenAI declares them, <c>stream</c> always explicit.
/// </summary>
public static class OllamaRequestWriter
{
    public static void Write(OpenAIChatRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        var toolNames = Turns.ToolNames(request.Messages);
        using var w = Json.Writer(body);
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteStartArray("messages");
        foreach (var message in request.Messages) WriteMessage(w, message, toolNames);
        w.WriteEndArray();
        w.WriteBoolean("stream", request.Stream);
        if (request is not { Temperature: null, TopP: null, TopK: null, MaxTokens: null, Stop.Count: 0 })
        {
            w.WriteStartObject("options");
            w.WriteIf("temperature", request.Temperature);
            w.WriteIf("top_p", request.TopP);
            w.WriteIf("top_k", request.TopK);
            w.WriteIf("num_predict", request.MaxTokens);
            w.WriteStrings("stop", request.Stop);
            w.WriteEndObject();
        }
        if (request.Tools.Count > 0)
        {
            w.WriteStartArray("tools");
            foreach (var tool in request.Tools) WriteTool(w, tool);
            w.WriteEndArray();
        }
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
            foreach (var call in message.ToolCalls)
            {
                w.WriteStartObject();
                w.WriteStartObject("function");
                w.WriteString("name", call.Name);
                w.WritePropertyName("arguments");
                Json.WriteArgumentsObject(w, call.Arguments);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteTool(Utf8JsonWriter w, ToolDefinition tool)
    {
        w.WriteStartObject();
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", tool.Name);
        w.WriteIf("description", tool.Description);
        if (tool.ParametersJson is { } parameters)
        {
            w.WritePropertyName("parameters");
            w.WriteRawValue(parameters);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
