using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Bedrock's Converse (<c>POST /model/{id}/converse</c>) and ConverseStream (<c>/converse-stream</c>, AWS event-stream
/// framing). Like the real API it wants a SigV4 <c>Authorization</c> for the <c>bedrock</c> service and an
/// <c>x-amz-date</c>, a conversation that starts with the user and alternates, known <c>inferenceConfig</c> fields, and a
/// <c>toolConfig</c> whenever tool blocks appear, each <c>toolResult</c> answering a <c>toolUse</c> of the turn before.
/// </summary>
public static class FakeBedrock
{
    private static readonly HashSet<string> InferenceConfig = ["maxTokens", "temperature", "topP", "stopSequences"];
    private static readonly HashSet<string> BlockKinds = ["text", "image", "document", "toolUse", "toolResult"];

    public static void Map(WebApplication app, FakeOpenAIServer server)
    {
        app.MapPost("/model/{modelId}/converse", context => HandleAsync(context, server, stream: false));
        app.MapPost("/model/{modelId}/converse-stream", context => HandleAsync(context, server, stream: true));
        app.MapPost("/model/{modelId}/invoke", context => FakeBedrockEmbeddings.HandleAsync(context, server));
    }

    private static async Task HandleAsync(HttpContext context, FakeOpenAIServer server, bool stream)
    {
        var body = await server.AcceptAsync(context, status => new JsonObject { ["message"] = $"fake upstream failure {status}" });
        if (body is null || await RefusedUnsignedAsync(context, body)) return;
        var request = ParseObject(body);
        if ((request is null ? "Malformed input request" : Check(request)) is { } problem)
        {
            context.Response.Headers["x-amzn-ErrorType"] = "ValidationException";
            await JsonAsync(context, 400, new JsonObject { ["message"] = problem });
            return;
        }
        var messages = request!["messages"]!.AsArray();
        var answeredTool = messages[^1]!["content"]!.AsArray().Any(b => b?["toolResult"] is not null);
        var tool = String(request["toolConfig"]?["tools"]?[0]?["toolSpec"]?["name"]);
        var answer = FakeAnswer.For(Uri.UnescapeDataString(context.Request.RouteValues["modelId"]!.ToString()!), body, tool, answeredTool);
        if (stream) await StreamAsync(context, server.Behavior, answer);
        else await JsonAsync(context, 200, Response(answer));
    }

    /// <summary>
    /// A request without a valid SigV4 signature for the <c>bedrock</c> service gets AWS's 403 (<see cref="FakeSigV4"/>:
    /// temporary credentials without their signed <c>x-amz-security-token</c> are <c>UnrecognizedClientException</c>,
    /// a wrong signature <c>InvalidSignatureException</c>); true when it did.
    /// </summary>
    public static async Task<bool> RefusedUnsignedAsync(HttpContext context, string body)
    {
        if (FakeSigV4.Check(context, System.Text.Encoding.UTF8.GetBytes(body), "bedrock") is not { } refusal) return false;
        context.Response.Headers["x-amzn-ErrorType"] = refusal.JsonCode;
        await JsonAsync(context, 403, new JsonObject { ["message"] = refusal.Message });
        return true;
    }

    private static string? Check(JsonObject request)
    {
        if (request["messages"] is not JsonArray { Count: > 0 } messages) return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
        if (request["inferenceConfig"] is JsonObject config && config.Select(p => p.Key).FirstOrDefault(k => !InferenceConfig.Contains(k)) is { } field)
            return $"The model returned the following errors: extraneous key [{field}] is not permitted";
        var usesTools = false;
        var previousUses = new HashSet<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            var role = String(messages[i]?["role"]);
            if (role != (i % 2 == 0 ? "user" : "assistant"))
                return i == 0 ? "A conversation must start with a user message. Try again with a conversation that starts with a user message."
                    : "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
            if (messages[i]!["content"] is not JsonArray { Count: > 0 } blocks) return $"The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again.";
            var uses = new HashSet<string>();
            foreach (var block in blocks)
            {
                if (block is not JsonObject b || b.Count(kv => BlockKinds.Contains(kv.Key)) != 1) return $"messages.{i}.content: a content block must set exactly one member";
                if (b["toolUse"] is { } use) { usesTools = true; uses.Add(String(use["toolUseId"]) ?? ""); }
                if (b["toolResult"] is { } result)
                {
                    usesTools = true;
                    if (!previousUses.Contains(String(result["toolUseId"]) ?? ""))
                        return "The number of toolResult blocks at messages." + i + ".content exceeds the number of toolUse blocks of previous turn.";
                }
            }
            previousUses = uses;
        }
        if (usesTools && request["toolConfig"] is null) return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
        return null;
    }

    private static JsonObject Response(FakeAnswer answer) => new()
    {
        ["output"] = new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = answer.ToolName is { } tool
                    ? new JsonArray(new JsonObject { ["toolUse"] = new JsonObject { ["toolUseId"] = "tooluse_fake_1", ["name"] = tool, ["input"] = JsonNode.Parse(FakeAnswer.ToolArguments) } })
                    : new JsonArray(new JsonObject { ["text"] = answer.Text }),
            },
        },
        ["stopReason"] = answer.ToolName is null ? "end_turn" : "tool_use",
        ["usage"] = Usage(answer),
        ["metrics"] = new JsonObject { ["latencyMs"] = 12 },
    };

    private static JsonObject Usage(FakeAnswer answer) => new()
    {
        ["inputTokens"] = answer.PromptTokens,
        ["outputTokens"] = answer.CompletionTokens,
        ["totalTokens"] = answer.PromptTokens + answer.CompletionTokens,
    };

    private static async Task StreamAsync(HttpContext context, FakeBehavior behavior, FakeAnswer answer)
    {
        var stream = new FakeStream(context, behavior);
        await stream.StartAsync("application/vnd.amazon.eventstream");
        Task Send(string type, JsonObject payload) => stream.SendAsync(FakeEventStream.Event(type, payload.ToJsonString(Relaxed)));
        await Send("messageStart", new JsonObject { ["role"] = "assistant", ["p"] = "abcdefgh" });
        if (answer.ToolName is { } tool)
            await Send("contentBlockStart", new JsonObject
            {
                ["contentBlockIndex"] = 0,
                ["start"] = new JsonObject { ["toolUse"] = new JsonObject { ["toolUseId"] = "tooluse_fake_1", ["name"] = tool } },
            });
        var pieces = answer.ToolName is null ? answer.Words : [FakeAnswer.ToolArguments[..5], FakeAnswer.ToolArguments[5..]];
        for (var i = 0; i < pieces.Length; i++)
        {
            if (stream.CutAt(i, pieces.Length)) return;
            var delta = answer.ToolName is null ? new JsonObject { ["text"] = pieces[i] } : new JsonObject { ["toolUse"] = new JsonObject { ["input"] = pieces[i] } };
            await Send("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = 0, ["delta"] = delta, ["p"] = "abcd" });
        }
        await Send("contentBlockStop", new JsonObject { ["contentBlockIndex"] = 0 });
        await Send("messageStop", new JsonObject { ["stopReason"] = answer.ToolName is null ? "end_turn" : "tool_use" });
        await Send("metadata", new JsonObject { ["usage"] = Usage(answer), ["metrics"] = new JsonObject { ["latencyMs"] = 12 } });
    }
}
