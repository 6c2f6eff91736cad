using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// OpenAI chat → <c>GenerateContentRequest</c>: <c>contents</c> of <c>user</c>/<c>model</c> turns made of parts,
/// system messages as <c>systemInstruction</c>, sampling, JSON mode and thinking in <c>generationConfig</c>, tools as
/// function declarations, and Gemini's thought signatures back on the function calls they came with.
/// </summary>
public static class GeminiRequestWriter
{
    /// <summary>JSON-schema keywords OpenAI clients send that Gemini's schema subset rejects.</summary>
    private static readonly string[] UnsupportedSchemaKeys = ["$schema", "additionalProperties", "strict"];

    private static readonly SamplingNames Sampling = new("temperature", "topP", "topK", "maxOutputTokens", "stopSequences");

    /// <summary>
    /// The signature Google documents for a function call Gemini did not make (a conversation begun on another
    /// provider, or a client that lost the signature), which Gemini 3's check on the current turn accepts.
    /// </summary>
    public const string SkipSignatureValidator = "skip_thought_signature_validator";

    /// <summary>A request with nothing beyond what <see cref="OpenAIChatRequest"/> reads.</summary>
    public static void Write(OpenAIChatRequest request, ProviderTarget target, IBufferWriter<byte> body) =>
        Write(request, new GeminiRequestOptions(), target, body);

    public static void Write(OpenAIChatRequest request, GeminiRequestOptions options, ProviderTarget target, IBufferWriter<byte> body)
    {
        using var w = Json.Writer(body);
        w.WriteStartObject();
        WriteContents(w, request, target);
        WriteSystem(w, request);
        WriteGenerationConfig(w, request, options, target);
        WriteTools(w, request, options);
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    private static void WriteContents(Utf8JsonWriter w, OpenAIChatRequest request, ProviderTarget target)
    {
        var toolNames = Turns.ToolNames(request.Conversation);
        var unsigned = GeminiModels.RequiresThoughtSignatures(target.ModelName) ? UnsignedInCurrentTurn(request.Conversation) : [];
        Turns.Write(w, request.Conversation, "contents", "parts", role => role == Turn.Assistant ? "model" : "user",
            (writer, message) => WriteParts(writer, message, toolNames, unsigned));
    }

    /// <summary>
    /// The calls Gemini 3 checks for a signature and that have none: the first function call of each model turn after
    /// the last user turn that is not only tool results (Google's "current turn").
    /// </summary>
    private static HashSet<ToolCall> UnsignedInCurrentTurn(IEnumerable<ChatMessage> conversation)
    {
        var turns = Turns.Merge(conversation);
        var lastUserText = -1;
        for (var i = 0; i < turns.Count; i++)
            if (turns[i].Role == Turn.User && turns[i].Messages.Any(m => !m.IsToolResult)) lastUserText = i;
        var unsigned = new HashSet<ToolCall>(ReferenceEqualityComparer.Instance);
        foreach (var turn in turns.Skip(lastUserText + 1).Where(t => t.Role == Turn.Assistant))
            if (turn.Messages.SelectMany(m => m.ToolCalls).FirstOrDefault() is { } first && ThoughtSignature(first) is null)
                unsigned.Add(first);
        return unsigned;
    }

    /// <summary>Gemini's signature as OpenAI's compatibility layer carries it: <c>extra_content.google.thought_signature</c>.</summary>
    public static string? ThoughtSignature(ToolCall call)
    {
        if (call.ExtraContent is null) return null;
        using var extra = Json.TryParse(call.ExtraContent);
        return extra is null ? null : Json.String(Json.At(extra.RootElement, "google"), "thought_signature");
    }

    /// <summary>The <c>extra_content</c> of a call Gemini signed.</summary>
    public static string? ExtraContent(string? thoughtSignature) => thoughtSignature is null
        ? null
        : System.Text.Encoding.UTF8.GetString(Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("google");
            w.WriteString("thought_signature", thoughtSignature);
            w.WriteEndObject();
            w.WriteEndObject();
        }));

    private static void WriteParts(Utf8JsonWriter w, ChatMessage message, Dictionary<string, string> toolNames, HashSet<ToolCall> unsigned)
    {
        if (message.IsToolResult)
        {
            WriteFunctionResponse(w, message, toolNames);
            return;
        }
        foreach (var part in message.Parts)
        {
            if (part.Text is { Length: > 0 } text) NativeJson.WriteTextPart(w, text);
            else if (part.ImageUrl is { } url) WriteImage(w, url);
        }
        foreach (var call in message.ToolCalls)
            WriteFunctionCall(w, call, ThoughtSignature(call) ?? (unsigned.Contains(call) ? SkipSignatureValidator : null));
    }

    /// <summary>A <c>functionCall</c> part; its signature beside the call, in the part, where Gemini gave it.</summary>
    private static void WriteFunctionCall(Utf8JsonWriter w, ToolCall call, string? signature)
    {
        w.WriteStartObject();
        w.WriteStartObject("functionCall");
        w.WriteString("name", call.Name);
        w.WritePropertyName("args");
        Json.WriteArgumentsObject(w, call.Arguments);
        w.WriteEndObject();
        w.WriteIf("thoughtSignature", signature);
        w.WriteEndObject();
    }

    /// <summary>
    /// A <c>data:</c> URL's bytes go inline; an http(s) URL goes as <c>fileData</c>, which Gemini fetches itself, with
    /// the media type its extension tells (<see cref="GeminiRequestOptions"/> refused any other).
    /// </summary>
    private static void WriteImage(Utf8JsonWriter w, string url)
    {
        if (DataUrl.TryParse(url, out var mediaType, out var data))
        {
            WriteInlineData(w, mediaType, data);
            return;
        }
        if (GeminiRequestOptions.ImageMimeType(url) is not { } type)
            throw new NotSupportedException($"an image URL Gemini cannot be given: {url}");
        w.WriteStartObject();
        w.WriteStartObject("fileData");
        w.WriteString("mimeType", type);
        w.WriteString("fileUri", url);
        w.WriteEndObject();
        w.WriteEndObject();
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

    /// <summary>
    /// Sampling, JSON mode and thinking in <c>generationConfig</c>, left out when there is none. Reasoning effort maps
    /// as Google's OpenAI compatibility layer maps it: a <c>thinkingLevel</c> for Gemini 3 and later, a
    /// <c>thinkingBudget</c> for 2.x (<see cref="GeminiModels"/>).
    /// </summary>
    private static void WriteGenerationConfig(Utf8JsonWriter w, OpenAIChatRequest request, GeminiRequestOptions options, ProviderTarget target)
    {
        var sampling = request.Temperature is not null || request.TopP is not null || request.TopK is not null || request.MaxTokens is not null || request.Stop.Count > 0;
        var (level, budget) = options.ReasoningEffort is { } effort ? GeminiModels.Thinking(target.ModelName, effort) : (null, null);
        if (!sampling && options.ResponseMimeType is null && options.Seed is null && options.PresencePenalty is null
            && options.FrequencyPenalty is null && level is null && budget is null)
            return;
        w.WriteStartObject("generationConfig");
        w.WriteSampling(request, Sampling);
        w.WriteIf("seed", options.Seed);
        w.WriteIf("presencePenalty", options.PresencePenalty);
        w.WriteIf("frequencyPenalty", options.FrequencyPenalty);
        w.WriteIf("responseMimeType", options.ResponseMimeType);
        if (options.ResponseJsonSchema is { } schema)
        {
            // responseJsonSchema takes JSON Schema as written; responseSchema would want Google's OpenAPI subset.
            w.WritePropertyName("responseJsonSchema");
            w.WriteRawValue(schema);
        }
        if (level is not null || budget is not null)
        {
            w.WriteStartObject("thinkingConfig");
            w.WriteIf("thinkingLevel", level);
            w.WriteIf("thinkingBudget", budget);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, OpenAIChatRequest request, GeminiRequestOptions options)
    {
        IEnumerable<ToolDefinition> declared = [.. request.Tools, .. options.Functions];
        // allowed_tools in auto mode: the model may answer in text or call one of these; the others are not declared.
        if (options.AllowedTools is { } allowed && !options.AllowedToolsRequired) declared = declared.Where(t => allowed.Contains(t.Name));
        var tools = declared.ToList();
        if (tools.Count == 0) return;
        w.WriteStartArray("tools");
        w.WriteStartObject();
        w.WriteStartArray("functionDeclarations");
        foreach (var tool in tools)
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
        if (options.AllowedTools is { } names && options.AllowedToolsRequired) WriteToolConfig(w, "ANY", names);
        else if ((request.ToolChoice ?? options.FunctionCall) is { } choice) WriteToolConfig(w, choice);
    }

    private static void WriteToolConfig(Utf8JsonWriter w, string mode, IReadOnlyList<string> allowedNames)
    {
        w.WriteStartObject("toolConfig");
        w.WriteStartObject("functionCallingConfig");
        w.WriteString("mode", mode);
        w.WriteStrings("allowedFunctionNames", allowedNames);
        w.WriteEndObject();
        w.WriteEndObject();
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
