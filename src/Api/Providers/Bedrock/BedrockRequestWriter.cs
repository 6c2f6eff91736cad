using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Bedrock;

/// <summary>
/// OpenAI chat → Converse body: alternating <c>messages</c> of content blocks (<c>text</c>, <c>image</c>,
/// <c>toolUse</c>, <c>toolResult</c>), <c>system</c> blocks, <c>inferenceConfig</c>, <c>toolConfig</c>. The model is in
/// the URL. <c>top_k</c> has no Converse field and goes in <c>additionalModelRequestFields</c>, as the model reads it.
/// </summary>
public static class BedrockRequestWriter
{
    private static readonly SamplingNames Sampling = new("temperature", "topP", TopK: null, "maxTokens", "stopSequences");

    public static void Write(OpenAIChatRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        // Converse has no JSON mode: a client asking for JSON must not get prose with a 200.
        if (ResponseFormat.Of(request) is not null)
            throw new NotSupportedException("'response_format' has no equivalent in Bedrock's Converse API (ask for JSON in the prompt, or use a tool)");
        DataUrl.RequireInline(request, "Bedrock");
        using var w = Json.Writer(body);
        w.WriteStartObject();
        Turns.Write(w, request.Conversation, "messages", "content", role => role, WriteBlocks);
        var system = request.SystemMessages.Select(m => m.Text).Where(t => t.Length > 0).ToList();
        if (system.Count > 0)
        {
            w.WriteStartArray("system");
            foreach (var text in system) NativeJson.WriteTextPart(w, text);
            w.WriteEndArray();
        }
        w.WriteSamplingObject("inferenceConfig", request, Sampling);
        if (request.TopK is { } topK)
        {
            w.WriteStartObject("additionalModelRequestFields");
            w.WriteNumber("top_k", topK);
            w.WriteEndObject();
        }
        WriteToolConfig(w, request);
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    private static void WriteBlocks(Utf8JsonWriter w, ChatMessage message)
    {
        if (message.IsToolResult)
        {
            WriteToolResult(w, message);
            return;
        }
        foreach (var part in message.Parts)
        {
            if (part.Text is { Length: > 0 } text) NativeJson.WriteTextPart(w, text);
            // Converse takes image bytes only; an https image URL has no equivalent there.
            else if (part.ImageUrl is { } url && DataUrl.TryParse(url, out var mediaType, out var data)) WriteImage(w, mediaType, data);
        }
        foreach (var call in message.ToolCalls) NativeJson.WriteToolCall(w, call, "toolUse", "input", idName: "toolUseId");
    }

    private static void WriteToolResult(Utf8JsonWriter w, ChatMessage message)
    {
        w.WriteStartObject();
        w.WriteStartObject("toolResult");
        w.WriteString("toolUseId", message.ToolCallId ?? "");
        w.WriteStartArray("content");
        NativeJson.WriteTextPart(w, message.Text);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Converse names the image format (<c>png</c>, <c>jpeg</c>...) where a data URL has a media type.</summary>
    private static void WriteImage(Utf8JsonWriter w, string mediaType, string data)
    {
        var format = mediaType.Split('/')[^1];
        w.WriteStartObject();
        w.WriteStartObject("image");
        w.WriteString("format", format is "jpg" ? "jpeg" : format);
        w.WriteStartObject("source");
        w.WriteString("bytes", data);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <remarks>Converse has no "none" choice: the tools stay (a conversation with tool blocks needs them), the choice goes.</remarks>
    private static void WriteToolConfig(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        if (request.Tools.Count == 0) return;
        w.WriteStartObject("toolConfig");
        w.WriteStartArray("tools");
        foreach (var tool in request.Tools)
        {
            w.WriteStartObject();
            w.WriteStartObject("toolSpec");
            w.WriteString("name", tool.Name);
            w.WriteIf("description", tool.Description);
            w.WriteStartObject("inputSchema");
            w.WritePropertyName("json");
            w.WriteRawValue(tool.ParametersJson ?? NativeJson.EmptyObjectSchema);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (request.ToolChoice is { Mode: not ToolChoice.None } choice)
        {
            w.WriteStartObject("toolChoice");
            w.WriteStartObject(choice.Mode switch { ToolChoice.Required => "any", ToolChoice.Function => "tool", _ => "auto" });
            w.WriteIf("name", choice.FunctionName);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
