using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Ollama's <c>POST /api/chat</c>: streams NDJSON unless the body says <c>"stream": false</c> (as the real server does),
/// wants a model and known roles, and answers 404 for a model it does not have (any name containing "missing").
/// </summary>
public static class FakeOllama
{
    public static void Map(WebApplication app, FakeOpenAIServer server) => app.MapPost("/api/chat", context => HandleAsync(context, server));

    private static async Task HandleAsync(HttpContext context, FakeOpenAIServer server)
    {
        var body = await server.AcceptAsync(context, status => new JsonObject { ["error"] = $"fake upstream failure {status}" });
        if (body is null) return;
        var request = ParseObject(body);
        var model = String(request?["model"]);
        if (request is null || model is null)
        {
            await JsonAsync(context, 400, new JsonObject { ["error"] = request is null ? "invalid JSON" : "model is required" });
            return;
        }
        if (model.Contains("missing", StringComparison.Ordinal))
        {
            await JsonAsync(context, 404, new JsonObject { ["error"] = $"model \"{model}\" not found, try pulling it first" });
            return;
        }
        var messages = request["messages"] as JsonArray ?? [];
        if (messages.FirstOrDefault(m => String(m?["role"]) is not ("system" or "user" or "assistant" or "tool")) is { } bad)
        {
            await JsonAsync(context, 400, new JsonObject { ["error"] = $"invalid role: {String(bad?["role"])}" });
            return;
        }
        var answeredTool = messages.Count > 0 && String(messages[^1]?["role"]) == "tool";
        var answer = FakeAnswer.For(model, body, String(request["tools"]?[0]?["function"]?["name"]), answeredTool);
        // Ollama streams unless told not to.
        if (request["stream"] is JsonValue stream && !stream.GetValue<bool>()) await JsonAsync(context, 200, Line(answer, answer.Text, done: true));
        else await StreamAsync(context, server.Behavior, answer);
    }

    private static JsonObject Line(FakeAnswer answer, string content, bool done)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (done && answer.ToolName is { } tool)
            message["tool_calls"] = new JsonArray(new JsonObject { ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = JsonNode.Parse(FakeAnswer.ToolArguments) } });
        var line = new JsonObject { ["model"] = answer.Model, ["created_at"] = DateTimeOffset.UtcNow.ToString("O"), ["message"] = message, ["done"] = done };
        if (!done) return line;
        line["done_reason"] = "stop";
        line["total_duration"] = 1_000_000;
        line["prompt_eval_count"] = answer.PromptTokens;
        line["eval_count"] = answer.CompletionTokens;
        return line;
    }

    private static async Task StreamAsync(HttpContext context, FakeBehavior behavior, FakeAnswer answer)
    {
        var stream = new FakeStream(context, behavior);
        await stream.StartAsync("application/x-ndjson");
        var words = answer.Words.Where(w => w.Length > 0).ToArray();
        for (var i = 0; i < words.Length; i++)
        {
            if (stream.CutAt(i, words.Length)) return;
            await stream.SendAsync(Line(answer, words[i], done: false).ToJsonString(Relaxed) + "\n");
        }
        await stream.SendAsync(Line(answer, "", done: true).ToJsonString(Relaxed) + "\n");
    }
}
