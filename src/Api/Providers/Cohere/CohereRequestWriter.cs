using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Cohere;

/// <summary>
/// OpenAI chat → Cohere v2 chat body. Cohere's <c>tool_choice</c> knows only REQUIRED and NONE; JSON mode is Cohere's
/// own <c>response_format</c> (<c>json_object</c>, with the schema as <c>json_schema</c>).
/// </summary>
public static class CohereRequestWriter
{
    private static readonly SamplingNames Sampling = new("temperature", "p", "k", "max_tokens", "stop_sequences");

    public static void Write(OpenAIChatRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        var format = ResponseFormat.Of(request);
        using var w = Json.Writer(body);
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteStartArray("messages");
        foreach (var message in request.Messages) WriteMessage(w, message);
        w.WriteEndArray();
        w.WriteSampling(request, Sampling);
        w.WriteBoolean("stream", request.Stream);
        if (request.Tools.Count > 0)
        {
            NativeJson.WriteOpenAITools(w, request.Tools, NativeJson.EmptyObjectSchema);
            if (request.ToolChoice?.Mode is ToolChoice.Required or ToolChoice.Function) w.WriteString("tool_choice", "REQUIRED");
            else if (request.ToolChoice?.Mode is ToolChoice.None) w.WriteString("tool_choice", "NONE");
        }
        if (format is not null)
        {
            w.WriteStartObject("response_format");
            w.WriteString("type", "json_object");
            if (format.SchemaJson is { } schema)
            {
                w.WritePropertyName("json_schema");
                w.WriteRawValue(schema);
            }
            w.WriteEndObject();
        }
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage message)
    {
        w.WriteStartObject();
        w.WriteString("role", message.IsToolResult ? "tool" : message.IsSystem ? "system" : message.Role);
        if (message.IsToolResult) w.WriteString("tool_call_id", message.ToolCallId ?? "");
        if (message.Parts.Any(p => p.ImageUrl is not null)) WriteParts(w, message);
        else if (message.Text.Length > 0 || message.ToolCalls.Count == 0) w.WriteString("content", message.Text);
        if (message.ToolCalls.Count > 0) ChatCompletion.WriteToolCalls(w, message.ToolCalls);
        w.WriteEndObject();
    }

    private static void WriteParts(Utf8JsonWriter w, ChatMessage message)
    {
        w.WriteStartArray("content");
        foreach (var part in message.Parts)
        {
            w.WriteStartObject();
            if (part.Text is { } text)
            {
                w.WriteString("type", "text");
                w.WriteString("text", text);
            }
            else
            {
                w.WriteString("type", "image_url");
                w.WriteStartObject("image_url");
                w.WriteString("url", part.ImageUrl);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
