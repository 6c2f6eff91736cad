using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// OpenAI chat → <c>GenerateContentRequest</c>: <c>contents</c> of <c>user</c>/<c>model</c> turns made of parts,
/// system messages as <c>systemInstruction</c>, sampling in <c>generationConfig</c>, tools as function declarations.
/// </summary>
public static class GeminiRequestWriter
{
    /// <summary>JSON-schema keywords OpenAI clients send that Gemini's schema subset rejects.</summary>
    private static readonly string[] UnsupportedSchemaKeys = ["$schema", "additionalProperties", "strict"];

    private static readonly SamplingNames Sampling = new("temperature", "topP", "topK", "maxOutputTokens", "stopSequences");

    public static void Write(OpenAIChatRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        using var w = Json.Writer(body);
        w.WriteStartObject();
        WriteContents(w, request);
        WriteSystem(w, request);
        w.WriteSamplingObject("generationConfig", request, Sampling);
        WriteTools(w, request);
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    private static void WriteContents(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        var toolNames = Turns.ToolNames(request.Conversation);
        Turns.Write(w, request.Conversation, "contents", "parts", role => role == Turn.Assistant ? "model" : "user",
            (writer, message) => WriteParts(writer, message, toolNames));
    }

    private static void WriteParts(Utf8JsonWriter w, ChatMessage message, Dictionary<string, string> toolNames)
    {
        if (message.IsToolResult)
        {
            WriteFunctionResponse(w, message, toolNames);
            return;
        }
        foreach (var part in message.Parts)
        {
            if (part.Text is { Length: > 0 } text) NativeJson.WriteTextPart(w, text);
            // Gemini reads inline bytes; a plain https image URL has no equivalent there.
            else if (part.ImageUrl is { } url && DataUrl.TryParse(url, out var mediaType, out var data)) WriteInlineData(w, mediaType, data);
        }
        foreach (var call in message.ToolCalls) NativeJson.WriteToolCall(w, call, "functionCall", "args");
    }

    /// <summary>A tool result names its function; OpenAI's tool message may carry only the call id, so the name comes from the call.</summary>
    private static void WriteFunctionResponse(Utf8JsonWriter w, ChatMessage message, Dictionary<string, string> toolNames)
    {
        w.WriteStartObject();
        w.WriteStartObject("functionResponse");
        w.WriteString("name", message.Name ?? toolNames.GetValueOrDefault(message.ToolCallId ?? "") ?? message.ToolCallId ?? "");
        w.WritePropertyName("response");
        WriteToolResponse(w, message.Text);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteInlineData(Utf8JsonWriter w, string mediaType, string data)
    {
        w.WriteStartObject();
        w.WriteStartObject("inlineData");
        w.WriteString("mimeType", mediaType);
        w.WriteString("data", data);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A function's response must be an object: a JSON object result goes as is, anything else as <c>{"content":...}</c>.</summary>
    private static void WriteToolResponse(Utf8JsonWriter w, string result)
    {
        using var parsed = Json.TryParse(result);
        if (parsed?.RootElement.ValueKind == JsonValueKind.Object)
        {
            parsed.RootElement.WriteTo(w);
            return;
        }
        w.WriteStartObject();
        w.WriteString("content", result);
        w.WriteEndObject();
    }

    private static void WriteSystem(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        var texts = request.SystemMessages.Select(m => m.Text).Where(t => t.Length > 0).ToList();
        if (texts.Count == 0) return;
        w.WriteStartObject("systemInstruction");
        w.WriteStartArray("parts");
        foreach (var text in texts) NativeJson.WriteTextPart(w, text);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        if (request.Tools.Count == 0) return;
        w.WriteStartArray("tools");
        w.WriteStartObject();
        w.WriteStartArray("functionDeclarations");
        foreach (var tool in request.Tools)
        {
            w.WriteStartObject();
            w.WriteString("name", tool.Name);
            w.WriteIf("description", tool.Description);
            if (tool.ParametersJson is { } parameters)
            {
                w.WritePropertyName("parameters");
                Schema(parameters).WriteTo(w);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        if (request.ToolChoice is { } choice) WriteToolConfig(w, choice);
    }

    private static void WriteToolConfig(Utf8JsonWriter w, ToolChoice choice)
    {
        w.WriteStartObject("toolConfig");
        w.WriteStartObject("functionCallingConfig");
        w.WriteString("mode", choice.Mode switch
        {
            ToolChoice.None => "NONE",
            ToolChoice.Required or ToolChoice.Function => "ANY",
            _ => "AUTO",
        });
        if (choice.FunctionName is { } name)
        {
            w.WriteStartArray("allowedFunctionNames");
            w.WriteStringValue(name);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The client's JSON schema without the keywords Gemini refuses, at every depth.</summary>
    public static JsonNode Schema(string json)
    {
        var node = JsonNode.Parse(json)!;
        Strip(node);
        return node;
    }

    /// <remarks>Inside <c>properties</c> the keys are the client's own property names and stay.</remarks>
    private static void Strip(JsonNode? node, bool propertyNames = false)
    {
        if (node is JsonObject obj)
        {
            if (!propertyNames)
                foreach (var key in UnsupportedSchemaKeys) obj.Remove(key);
            foreach (var (key, child) in obj) Strip(child, !propertyNames && key == "properties");
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array) Strip(child);
        }
    }
}
