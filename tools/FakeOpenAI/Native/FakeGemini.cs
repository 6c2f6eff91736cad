using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Gemini's <c>models/{model}:generateContent</c> and <c>:streamGenerateContent?alt=sse</c>, on the public API path and
/// on Vertex's. Like the real API it wants a key (or a bearer token), rejects fields it does not know (an OpenAI body
/// sent unchanged fails), roles other than <c>user</c>/<c>model</c>, and empty <c>contents</c>.
/// </summary>
public static class FakeGemini
{
    private static readonly HashSet<string> TopLevel =
        ["contents", "systemInstruction", "generationConfig", "tools", "toolConfig", "safetySettings", "cachedContent", "labels"];
    private static readonly HashSet<string> GenerationConfig =
        ["temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "candidateCount", "responseMimeType", "responseSchema",
         "presencePenalty", "frequencyPenalty", "seed", "thinkingConfig"];
    private static readonly HashSet<string> PartData = ["text", "inlineData", "fileData", "functionCall", "functionResponse"];

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
        if ((request is null ? "Invalid JSON payload received." : Check(request)) is { } problem)
        {
            await JsonAsync(context, 400, Error(400, "INVALID_ARGUMENT", problem));
            return;
        }
        var contents = request!["contents"]!.AsArray();
        var answeredTool = contents[^1]!["parts"]!.AsArray().Any(p => p?["functionResponse"] is not null);
        var tool = String(request["tools"]?[0]?["functionDeclarations"]?[0]?["name"]);
        var answer = FakeAnswer.For(model, body, tool, answeredTool);
        if (method == "streamGenerateContent" && context.Request.Query["alt"] == "sse") await StreamAsync(context, server.Behavior, answer);
        else await JsonAsync(context, 200, Response(answer, [.. answer.ToolName is null ? [answer.Text] : Array.Empty<string>()], "STOP"));
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
        if (request["contents"] is not JsonArray { Count: > 0 } contents) return "* GenerateContentRequest.contents: contents is not specified";
        foreach (var content in contents)
        {
            if (String(content?["role"]) is not ("user" or "model")) return "Please use a valid role: user, model.";
            if (content!["parts"] is not JsonArray { Count: > 0 } parts) return "* GenerateContentRequest.contents.parts: contents.parts must not be empty.";
            foreach (var part in parts)
            {
                if (part is not JsonObject p || p.Count(kv => PartData.Contains(kv.Key)) != 1)
                    return "* GenerateContentRequest.contents.parts.data: required oneof field 'data' must have one initialized field";
                if (p["functionResponse"] is { } response && String(response["name"]) is not { Length: > 0 })
                    return "* GenerateContentRequest.contents.parts.function_response.name: Name cannot be empty.";
            }
        }
        return null;
    }

    private static JsonObject Response(FakeAnswer answer, string[] texts, string? finishReason)
    {
        var parts = new JsonArray([.. texts.Select(t => (JsonNode)new JsonObject { ["text"] = t })]);
        if (answer.ToolName is { } tool)
            parts.Add(new JsonObject { ["functionCall"] = new JsonObject { ["name"] = tool, ["args"] = JsonNode.Parse(FakeAnswer.ToolArguments) } });
        var candidate = new JsonObject { ["content"] = new JsonObject { ["parts"] = parts, ["role"] = "model" }, ["index"] = 0 };
        if (finishReason is not null) candidate["finishReason"] = finishReason;
        return new JsonObject
        {
            ["candidates"] = new JsonArray(candidate),
            ["usageMetadata"] = new JsonObject
            {
                ["promptTokenCount"] = answer.PromptTokens,
                ["candidatesTokenCount"] = answer.CompletionTokens,
                ["totalTokenCount"] = answer.PromptTokens + answer.CompletionTokens,
            },
            ["modelVersion"] = answer.Model,
            ["responseId"] = "fake-response-id",
        };
    }

    private static async Task StreamAsync(HttpContext context, FakeBehavior behavior, FakeAnswer answer)
    {
        var stream = new FakeStream(context, behavior);
        await stream.StartAsync("text/event-stream");
        var words = answer.ToolName is null ? answer.Words : [];
        for (var i = 0; i < words.Length; i++)
        {
            if (stream.CutAt(i, words.Length)) return;
            var piece = Response(answer with { ToolName = null }, [words[i]], i == words.Length - 1 ? "STOP" : null);
            // Google ends its events with CRLF pairs.
            await stream.SendAsync($"data: {piece.ToJsonString(Relaxed)}\r\n\r\n");
        }
        if (answer.ToolName is not null) await stream.SendAsync($"data: {Response(answer, [], "STOP").ToJsonString(Relaxed)}\r\n\r\n");
    }
}
