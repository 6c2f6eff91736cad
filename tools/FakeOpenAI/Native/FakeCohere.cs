using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Cohere's v2 chat (<c>POST /v2/chat</c>): a bearer key is required, unknown fields are refused (so OpenAI's
/// <c>top_p</c> fails where Cohere's <c>p</c> passes), roles are system/user/assistant/tool, a tool message names its call.
/// </summary>
public static class FakeCohere
{
    private static readonly HashSet<string> Fields =
        ["model", "messages", "tools", "documents", "citation_options", "response_format", "safety_mode", "max_tokens", "stop_sequences",
         "temperature", "seed", "frequency_penalty", "presence_penalty", "k", "p", "logprobs", "tool_choice", "stream", "strict_tools", "thinking"];

    public static void Map(WebApplication app, FakeOpenAIServer server) => app.MapPost("/v2/chat", context => HandleAsync(context, server));

    private static async Task HandleAsync(HttpContext context, FakeOpenAIServer server)
    {
        if (await ReadAsync(context, server, Check) is not (var request, var body)) return;
        var messages = request["messages"]!.AsArray();
        var answer = FakeAnswer.For(String(request["model"])!, body, String(request["tools"]?[0]?["function"]?["name"]),
            String(messages[^1]?["role"]) == "tool");
        if (request["stream"] is JsonValue stream && stream.GetValue<bool>()) await StreamAsync(context, server.Behavior, answer);
        else await JsonAsync(context, 200, Response(answer));
    }

    /// <summary>
    /// What every Cohere v2 endpoint does first: the fake's scripted failures, a bearer key (401 without), a JSON
    /// object (400 otherwise) that passes the endpoint's <paramref name="check"/>. Null when it answered already.
    /// </summary>
    internal static async Task<(JsonObject Request, string Body)?> ReadAsync(HttpContext context, FakeOpenAIServer server, Func<JsonObject, string?> check)
    {
        var body = await server.AcceptAsync(context, status => Error($"fake upstream failure {status}"));
        if (body is null) return null;
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await JsonAsync(context, 401, Error("no api key supplied"));
            return null;
        }
        var request = ParseObject(body);
        if ((request is null ? "invalid request: the body is not JSON" : check(request)) is { } problem)
        {
            await JsonAsync(context, 400, Error(problem));
            return null;
        }
        return (request!, body);
    }

    internal static JsonObject Error(string message) => new() { ["id"] = Guid.NewGuid().ToString(), ["message"] = message };

    private static string? Check(JsonObject request)
    {
        if (request.Select(p => p.Key).FirstOrDefault(k => !Fields.Contains(k)) is { } unknown)
            return $"invalid request: unknown field: parameter {unknown} is not a valid field";
        if (String(request["model"]) is null) return "invalid request: model must be specified";
        if (request["messages"] is not JsonArray { Count: > 0 } messages) return "invalid request: messages must not be empty";
        foreach (var message in messages)
        {
            var role = String(message?["role"]);
            if (role is not ("system" or "user" or "assistant" or "tool")) return $"invalid request: invalid role: {role}";
            if (role == "tool" && String(message!["tool_call_id"]) is not { Length: > 0 }) return "invalid request: tool message must have a tool_call_id";
        }
        return null;
    }

    private static JsonObject Usage(FakeAnswer answer) => new()
    {
        ["billed_units"] = new JsonObject { ["input_tokens"] = answer.PromptTokens, ["output_tokens"] = answer.CompletionTokens },
        ["tokens"] = new JsonObject { ["input_tokens"] = answer.PromptTokens + 10, ["output_tokens"] = answer.CompletionTokens },
    };

    private static JsonObject ToolCall(string tool) => new()
    {
        ["id"] = "search_fake_1",
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = FakeAnswer.ToolArguments },
    };

    private static JsonObject Response(FakeAnswer answer)
    {
        var message = new JsonObject { ["role"] = "assistant" };
        if (answer.ToolName is { } tool)
        {
            message["tool_plan"] = "I will search.";
            message["tool_calls"] = new JsonArray(ToolCall(tool));
        }
        else message["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = answer.Text });
        return new JsonObject
        {
            ["id"] = "fake-" + Guid.NewGuid(),
            ["finish_reason"] = answer.ToolName is null ? "COMPLETE" : "TOOL_CALL",
            ["message"] = message,
            ["usage"] = Usage(answer),
        };
    }

    private static async Task StreamAsync(HttpContext context, FakeBehavior behavior, FakeAnswer answer)
    {
        var stream = new FakeStream(context, behavior);
        await stream.StartAsync("text/event-stream");
        Task Send(string type, JsonObject data)
        {
            data["type"] = type;
            return stream.SendAsync($"event: {type}\ndata: {data.ToJsonString(Relaxed)}\n\n");
        }
        await Send("message-start", new JsonObject { ["id"] = "fake-stream", ["delta"] = new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant" } } });
        if (answer.ToolName is { } tool)
        {
            await Send("tool-plan-delta", new JsonObject { ["delta"] = new JsonObject { ["message"] = new JsonObject { ["tool_plan"] = "I will search." } } });
            var start = ToolCall(tool);
            start["function"]!["arguments"] = "";
            await Send("tool-call-start", new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["message"] = new JsonObject { ["tool_calls"] = start } } });
            await Send("tool-call-delta", new JsonObject
            {
                ["index"] = 0,
                ["delta"] = new JsonObject { ["message"] = new JsonObject { ["tool_calls"] = new JsonObject { ["function"] = new JsonObject { ["arguments"] = FakeAnswer.ToolArguments } } } },
            });
            await Send("tool-call-end", new JsonObject { ["index"] = 0 });
        }
        else
        {
            await Send("content-start", new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["message"] = new JsonObject { ["content"] = new JsonObject { ["type"] = "text", ["text"] = "" } } } });
            var words = answer.Words;
            for (var i = 0; i < words.Length; i++)
            {
                if (stream.CutAt(i, words.Length)) return;
                await Send("content-delta", new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["message"] = new JsonObject { ["content"] = new JsonObject { ["text"] = words[i] } } } });
            }
            await Send("content-end", new JsonObject { ["index"] = 0 });
        }
        await Send("message-end", new JsonObject
        {
            ["delta"] = new JsonObject { ["finish_reason"] = answer.ToolName is null ? "COMPLETE" : "TOOL_CALL", ["usage"] = Usage(answer) },
        });
    }
}
