using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Gemini's <c>models/{model}:generateContent</c> and <c>:streamGenerateContent?alt=sse</c>, on the public API path and
/// on Vertex's. Like the real API it wants a key (or a bearer token), rejects fields it does not know (an OpenAI body
/// sent unchanged fails), roles other than <c>user</c>/<c>model</c>, and empty <c>contents</c>; a response schema
/// without <c>responseMimeType: application/json</c>; a thinking level beside a budget; and, for <c>gemini-3*</c>
/// models, whose function calls it signs (<c>thoughtSignature</c>), a current turn whose function call comes back
/// without its signature, in Google's words.
/// </summary>
public static class FakeGemini
{
    private static readonly HashSet<string> TopLevel =
        ["contents", "systemInstruction", "generationConfig", "tools", "toolConfig", "safetySettings", "cachedContent", "labels"];
    private static readonly HashSet<string> GenerationConfig =
        ["temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "candidateCount", "responseMimeType", "responseSchema",
         "responseJsonSchema", "presencePenalty", "frequencyPenalty", "seed", "thinkingConfig", "responseLogprobs", "logprobs",
         "responseModalities", "mediaResolution"];
    private static readonly HashSet<string> PartData = ["text", "inlineData", "fileData", "functionCall", "functionResponse"];
    private static readonly HashSet<string> PartFields = [.. PartData, "thought", "thoughtSignature", "videoMetadata", "mediaResolution"];
    private static readonly HashSet<string> ThinkingLevels = ["MINIMAL", "LOW", "MEDIUM", "HIGH"];

    /// <summary>The signatures Google's docs allow for function calls Gemini did not make.</summary>
    public static readonly IReadOnlySet<string> DummySignatures = new HashSet<string> { "skip_thought_signature_validator", "context_engineering_is_the_way_to_go" };

    /// <summary>The signature the fake puts on a <paramref name="model"/>'s function call (base64, as Google's are).</summary>
    public static string Signature(string model) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"fake thought of {model}"));

    /// <summary>Gemini 3 signs its function calls and checks them on the way back.</summary>
    public static bool Signs(string model) => model.StartsWith("gemini-3", StringComparison.Ordinal);

    public static void Map(WebApplication app, FakeOpenAIServer server)
    {
        app.MapPost("/v1beta/models/{**operation}", context => HandleAsync(context, server));
        app.MapPost("/v1/projects/{project}/locations/{location}/publishers/google/models/{**operation}", context => HandleAsync(context, server));
    }

    private static async Task HandleAsync(HttpContext context, FakeOpenAIServer server)
    {
        var body = await server.AcceptAsync(context, status => Error(status, status == 429 ? "RESOURCE_EXHAUSTED" : "INTERNAL", $"fake upstream failure {status}"));
        if (body is null) return;
        var operation = context.Request.RouteValues["operation"]?.ToString() ?? "";
        var colon = operation.LastIndexOf(':');
        var (model, method) = colon < 0 ? (operation, "") : (operation[..colon], operation[(colon + 1)..]);
        if (method is not ("generateContent" or "streamGenerateContent") && !FakeGeminiEmbeddings.Handles(method))
        {
            await JsonAsync(context, 404, Error(404, "NOT_FOUND", $"method {method} is not found"));
            return;
        }
        if (string.IsNullOrEmpty(context.Request.Headers["x-goog-api-key"]) && string.IsNullOrEmpty(context.Request.Query["key"])
            && string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            await JsonAsync(context, 403, Error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."));
            return;
        }
        if (FakeGeminiEmbeddings.Handles(method))
        {
            await FakeGeminiEmbeddings.AnswerAsync(context, model, method, body);
            return;
        }
        var request = ParseObject(body);
        if ((request is null ? "Invalid JSON payload received." : Check(request) ?? CheckSignatures(model, request)) is { } problem)
        {
            await JsonAsync(context, 400, Error(400, "INVALID_ARGUMENT", problem));
            return;
        }
        var contents = request!["contents"]!.AsArray();
        var answeredTool = contents[^1]!["parts"]!.AsArray().Any(p => p?["functionResponse"] is not null);
        var tool = String(request["tools"]?[0]?["functionDeclarations"]?[0]?["name"]);
        var answer = FakeAnswer.For(model, body, tool, answeredTool);
        // Thinking is reported when asked for, billed beside the answer as Gemini bills it.
        var thoughts = request["generationConfig"]?["thinkingConfig"] is null ? (int?)null : 3;
        if (method == "streamGenerateContent" && context.Request.Query["alt"] == "sse") await StreamAsync(context, server.Behavior, answer, thoughts);
        else await JsonAsync(context, 200, Response(answer, [.. answer.ToolName is null ? [answer.Text] : Array.Empty<string>()], "STOP", thoughts));
    }

    /// <summary>
    /// Gemini 3's check: in the current turn (the model's contents after the last user content that is not only
    /// function responses) the first function call of each model content must carry the signature Gemini gave it.
    /// </summary>
    private static string? CheckSignatures(string model, JsonObject request)
    {
        if (!Signs(model)) return null;
        var contents = request["contents"]!.AsArray();
        var lastUserText = -1;
        for (var i = 0; i < contents.Count; i++)
            if (String(contents[i]!["role"]) == "user" && contents[i]!["parts"]!.AsArray().Any(p => p?["functionResponse"] is null)) lastUserText = i;
        for (var i = lastUserText + 1; i < contents.Count; i++)
        {
            if (String(contents[i]!["role"]) != "model") continue;
            if (contents[i]!["parts"]!.AsArray().FirstOrDefault(p => p?["functionCall"] is not null) is not { } call) continue;
            var signature = String(call["thoughtSignature"]);
            if (signature is null)
                return "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing "
                    + $"thought_signature may lead to degraded model performance. Additional data, function call `default_api:{String(call["functionCall"]!["name"])}` , "
                    + $"position {i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.";
            if (signature != Signature(model) && !DummySignatures.Contains(signature)) return "Corrupted thought signature.";
        }
        return null;
    }

    public static JsonObject Error(int code, string status, string message) => new()
    {
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status },
    };

    private static string? Check(JsonObject request)
    {
        if (request.Select(p => p.Key).FirstOrDefault(k => !TopLevel.Contains(k)) is { } unknown)
            return $"Invalid JSON payload received. Unknown name \"{unknown}\": Cannot find field.";
        if (request["generationConfig"] is JsonObject config && config.Select(p => p.Key).FirstOrDefault(k => !GenerationConfig.Contains(k)) is { } field)
            return $"Invalid JSON payload received. Unknown name \"{field}\" at 'generation_config': Cannot find field.";
        if (request["generationConfig"] is JsonObject generation && CheckGenerationConfig(generation) is { } configProblem) return configProblem;
        if (request["toolConfig"]?["functionCallingConfig"] is JsonObject calling && calling["allowedFunctionNames"] is not null
            && String(calling["mode"]) is not ("ANY" or "VALIDATED"))
            return "* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: allowed_function_names is only allowed when mode is ANY or VALIDATED.";
        if (request["contents"] is not JsonArray { Count: > 0 } contents) return "* GenerateContentRequest.contents: contents is not specified";
        foreach (var content in contents)
        {
            if (String(content?["role"]) is not ("user" or "model")) return "Please use a valid role: user, model.";
            if (content!["parts"] is not JsonArray { Count: > 0 } parts) return "* GenerateContentRequest.contents.parts: contents.parts must not be empty.";
            foreach (var part in parts)
            {
                if (part is JsonObject unknownField && unknownField.Select(kv => kv.Key).FirstOrDefault(k => !PartFields.Contains(k)) is { } partField)
                    return $"Invalid JSON payload received. Unknown name \"{partField}\" at 'contents.parts': Cannot find field.";
                if (part is not JsonObject p || p.Count(kv => PartData.Contains(kv.Key)) != 1)
                    return "* GenerateContentRequest.contents.parts.data: required oneof field 'data' must have one initialized field";
                if (p["fileData"] is { } file && (String(file["fileUri"]) is not { Length: > 0 } || String(file["mimeType"]) is not { Length: > 0 }))
                    return "* GenerateContentRequest.contents.parts.file_data: file_uri and mime_type are required.";
                if (p["functionResponse"] is { } response && String(response["name"]) is not { Length: > 0 })
                    return "* GenerateContentRequest.contents.parts.function_response.name: Name cannot be empty.";
            }
        }
        return null;
    }

    /// <summary>A response schema wants JSON out; a thinking level and a budget are two answers to one question.</summary>
    private static string? CheckGenerationConfig(JsonObject config)
    {
        if ((config["responseSchema"] is not null || config["responseJsonSchema"] is not null) && String(config["responseMimeType"]) != "application/json")
            return "* GenerateContentRequest.generation_config.response_mime_type: a response schema is only supported with response_mime_type: application/json.";
        if (config["responseSchema"] is not null && config["responseJsonSchema"] is not null)
            return "* GenerateContentRequest.generation_config: response_schema and response_json_schema cannot both be set.";
        if (config["thinkingConfig"] is JsonObject thinking)
        {
            if (thinking["thinkingLevel"] is not null && thinking["thinkingBudget"] is not null)
                return "* GenerateContentRequest.generation_config.thinking_config: thinking_level and thinking_budget cannot both be set.";
            if (thinking["thinkingLevel"] is { } level && !ThinkingLevels.Contains(String(level) ?? ""))
                return $"Invalid value at 'generation_config.thinking_config.thinking_level' ({level.ToJsonString()})";
        }
        return null;
    }

    private static JsonObject Response(FakeAnswer answer, string[] texts, string? finishReason, int? thoughts = null)
    {
        var parts = new JsonArray([.. texts.Select(t => (JsonNode)new JsonObject { ["text"] = t })]);
        if (answer.ToolName is { } tool)
        {
            var call = new JsonObject { ["functionCall"] = new JsonObject { ["name"] = tool, ["args"] = JsonNode.Parse(FakeAnswer.ToolArguments) } };
            if (Signs(answer.Model)) call["thoughtSignature"] = Signature(answer.Model);
            parts.Add(call);
        }
        var candidate = new JsonObject { ["content"] = new JsonObject { ["parts"] = parts, ["role"] = "model" }, ["index"] = 0 };
        if (finishReason is not null) candidate["finishReason"] = finishReason;
        var usage = new JsonObject
        {
            ["promptTokenCount"] = answer.PromptTokens,
            ["candidatesTokenCount"] = answer.CompletionTokens,
            ["totalTokenCount"] = answer.PromptTokens + answer.CompletionTokens + (thoughts ?? 0),
        };
        if (thoughts is not null) usage["thoughtsTokenCount"] = thoughts;
        return new JsonObject
        {
            ["candidates"] = new JsonArray(candidate),
            ["usageMetadata"] = usage,
            ["modelVersion"] = answer.Model,
            ["responseId"] = "fake-response-id",
        };
    }

    private static async Task StreamAsync(HttpContext context, FakeBehavior behavior, FakeAnswer answer, int? thoughts)
    {
        var stream = new FakeStream(context, behavior);
        await stream.StartAsync("text/event-stream");
        var words = answer.ToolName is null ? answer.Words : [];
        for (var i = 0; i < words.Length; i++)
        {
            if (stream.CutAt(i, words.Length)) return;
            var piece = Response(answer with { ToolName = null }, [words[i]], i == words.Length - 1 ? "STOP" : null, thoughts);
            // Google ends its events with CRLF pairs.
            await stream.SendAsync($"data: {piece.ToJsonString(Relaxed)}\r\n\r\n");
        }
        if (answer.ToolName is not null) await stream.SendAsync($"data: {Response(answer, [], "STOP", thoughts).ToJsonString(Relaxed)}\r\n\r\n");
    }
}
