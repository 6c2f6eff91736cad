using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Anthropic's Messages API (<c>POST /v1/messages</c>) as <c>anthropic-version: 2023-06-01</c> behaves: an API key and
/// the version header are required, <c>max_tokens</c> is required, roles are only user and assistant (system is
/// top-level), every <c>tool_result</c> answers a <c>tool_use</c> of the turn before. With extended thinking on
/// (<c>thinking: {type: enabled, budget_tokens}</c>) the answer starts with a thinking block whose signature the fake
/// checks when it comes back, the budget must be 1,024 or more and below <c>max_tokens</c>, temperature only 1, and the
/// assistant turn before a tool result must start with its thinking block, each refused in Anthropic's words.
/// A prompt that says "[cached]" reports some input tokens read from the cache.
/// </summary>
public static class FakeAnthropic
{
    /// <summary>Kong's documented version, and the one the official .NET SDK 13.14 sends.</summary>
    public static readonly string[] KnownVersions = ["2023-06-01", SystemMessagesVersion];
    private const string SystemMessagesVersion = "2026-10-21";

    private static long _counter;

    public static void Map(WebApplication app, FakeOpenAIServer server) =>
        app.MapPost("/v1/messages", context => HandleAsync(context, server));

    private static async Task HandleAsync(HttpContext context, FakeOpenAIServer server)
    {
        var body = await server.AcceptAsync(context, status => Error(status == 529 ? "overloaded_error" : "api_error", $"fake upstream failure {status}"));
        if (body is null) return;
        if (string.IsNullOrEmpty(context.Request.Headers["x-api-key"]) && string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            await JsonAsync(context, 401, Error("authentication_error", "x-api-key header is required"));
            return;
        }
        var version = context.Request.Headers["anthropic-version"].ToString();
        if (!KnownVersions.Contains(version))
        {
            await JsonAsync(context, 400, Error("invalid_request_error", "anthropic-version: header is required and must be a known version"));
            return;
        }
        var request = ParseObject(body);
        if ((request is null ? "the body is not a JSON object" : Check(request, version)) is { } problem)
        {
            await JsonAsync(context, 400, Error("invalid_request_error", problem));
            return;
        }
        var messages = request!["messages"]!.AsArray();
        var answeredTool = messages[^1]!["content"] is JsonArray blocks && blocks.Any(b => String(b?["type"]) == "tool_result");
        var answer = FakeAnswer.For(String(request["model"])!, body, String(request["tools"]?[0]?["name"]), answeredTool);
        // Structured outputs: the text is JSON of the requested shape (here always {"answer": ...}).
        if (request["output_config"]?["format"] is JsonObject && answer.ToolName is null)
            answer = answer with { Text = new JsonObject { ["answer"] = answer.Text }.ToJsonString() };
        var thought = ThinkingEnabled(request) ? $"The user wants {(answer.ToolName is null ? "an answer" : "a search")}; let me think + plan." : null;
        var cached = body.Contains("[cached]", StringComparison.Ordinal) ? CachedTokens : 0;
        var id = $"msg_fake_{Interlocked.Increment(ref _counter)}";
        if (request["stream"]?.GetValue<bool>() == true) await StreamAsync(context, server.Behavior, id, answer, thought, cached);
        else await JsonAsync(context, 200, Message(id, answer, thought, cached));
    }

    public static JsonObject Error(string type, string message) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
    };

    /// <summary>The input tokens a prompt that says "[cached]" reports read from the cache.</summary>
    public const int CachedTokens = 7;

    private static bool ThinkingEnabled(JsonObject request) => String(request["thinking"]?["type"]) == "enabled";

    /// <summary>The signature the fake gives a thinking text (base64, as Anthropic's are), checked when the block comes back.</summary>
    public static string Signature(string thinking) =>
        "EqQBCkYIBx" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(thinking)));

    private const string ThinkingDocs = "Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

    private static string? CheckThinking(JsonObject request, JsonArray messages, long maxTokens)
    {
        if (request["thinking"] is null) return null;
        if (!ThinkingEnabled(request)) return String(request["thinking"]?["type"]) is "disabled" or "adaptive" ? null : "thinking.type: Input tag does not match any of the expected tags";
        if (request["thinking"]?["budget_tokens"] is not JsonValue b || !b.TryGetValue<long>(out var budget)) return "thinking.enabled.budget_tokens: Field required";
        if (budget < 1024) return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
        if (maxTokens <= budget) return $"`max_tokens` must be greater than `thinking.budget_tokens`. {ThinkingDocs}#max-tokens-and-context-window-size";
        if (request["temperature"] is JsonValue t && t.GetValue<double>() != 1) return $"`temperature` may only be set to 1 when thinking is enabled. {ThinkingDocs}#feature-compatibility";
        if (request["top_k"] is not null) return $"`top_k` cannot be set when thinking is enabled. {ThinkingDocs}#feature-compatibility";
        // The assistant turn answered by the final tool results must start with its thinking.
        if (messages[^1]?["content"] is JsonArray last && last.Any(block => String(block?["type"]) == "tool_result") && messages.Count >= 2
            && messages[^2]?["content"] is JsonArray assistant && String(assistant[0]?["type"]) is not ("thinking" or "redacted_thinking"))
            return $"messages.{messages.Count - 2}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{String(assistant[0]?["type"])}`. "
                + "When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and "
                + "`tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. " + ThinkingDocs;
        return null;
    }

    private static string? Check(JsonObject request, string version)
    {
        if (String(request["model"]) is null) return "model: Field required";
        if (request["max_tokens"] is not JsonValue maxTokens || !maxTokens.TryGetValue<long>(out var max)) return "max_tokens: Field required";
        if (max < 1) return "max_tokens: Input should be greater than or equal to 1";
        if (request["temperature"] is JsonValue t && (t.GetValue<double>() < 0 || t.GetValue<double>() > 1))
            return "temperature: Input should be less than or equal to 1";
        if (request["messages"] is not JsonArray { Count: > 0 } messages) return "messages: Field required";
        if (request["output_config"]?["format"] is JsonNode format && (String(format["type"]) != "json_schema" || format["schema"] is not JsonObject))
            return "output_config.format.schema: Field required";
        var previousToolUses = new HashSet<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            var role = String(messages[i]?["role"]);
            // Kong's documented 2023-06-01 takes system prompts only top-level; the newer version the official SDK
            // sends also models system messages in the list.
            if (role == "system" && version == SystemMessagesVersion) continue;
            if (role is not ("user" or "assistant"))
                return $"messages.{i}.role: Unexpected role \"{role}\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.";
            if (CheckContent(messages[i]!["content"], i, previousToolUses) is { } problem) return problem;
        }
        if (CheckThinking(request, messages, max) is { } thinking) return thinking;
        foreach (var tool in request["tools"] as JsonArray ?? [])
        {
            if (String(tool?["name"]) is null) return "tools.0.name: Field required";
            if (String(tool?["input_schema"]?["type"]) != "object") return "tools.0.input_schema.type: Input should be 'object'";
        }
        return null;
    }

    private static string? CheckContent(JsonNode? content, int index, HashSet<string> previousToolUses)
    {
        if (content is JsonValue text) return String(text) is { Length: > 0 } ? null : $"messages.{index}: text content blocks must be non-empty";
        if (content is not JsonArray { Count: > 0 } blocks) return $"messages.{index}: all messages must have non-empty content";
        var toolUses = new HashSet<string>();
        for (var j = 0; j < blocks.Count; j++)
        {
            var block = blocks[j];
            switch (String(block?["type"]))
            {
                case "thinking" when String(block!["signature"]) != Signature(String(block["thinking"]) ?? ""):
                    return $"messages.{index}.content.{j}: Invalid `signature` in `thinking` block";
                case "thinking":
                case "redacted_thinking" when String(block!["data"]) is { Length: > 0 }:
                    break;
                case "text" when String(block!["text"]) is not { Length: > 0 }:
                    return $"messages.{index}: text content blocks must be non-empty";
                case "text" or "image":
                    break;
                case "tool_use":
                    toolUses.Add(String(block!["id"]) ?? "");
                    break;
                case "tool_result" when !previousToolUses.Contains(String(block!["tool_use_id"]) ?? ""):
                    return $"messages.{index}.content: unexpected `tool_use_id` found in `tool_result` blocks";
                case "tool_result":
                    break;
                default:
                    return $"messages.{index}.content: Input tag '{String(block?["type"])}' does not match any of the expected tags";
            }
        }
        previousToolUses.Clear();
        previousToolUses.UnionWith(toolUses);
        return null;
    }

    private static JsonObject Message(string id, FakeAnswer answer, string? thought = null, int cached = 0)
    {
        var content = new JsonArray();
        if (thought is not null) content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = thought, ["signature"] = Signature(thought) });
        content.Add(answer.ToolName is { } tool
            ? new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_fake_1", ["name"] = tool, ["input"] = JsonNode.Parse(FakeAnswer.ToolArguments) }
            : new JsonObject { ["type"] = "text", ["text"] = answer.Text });
        return new()
        {
            ["id"] = id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = answer.Model,
            ["content"] = content,
            ["stop_reason"] = answer.ToolName is null ? "end_turn" : "tool_use",
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = answer.PromptTokens,
                ["cache_creation_input_tokens"] = 0,
                ["cache_read_input_tokens"] = cached,
                ["output_tokens"] = answer.CompletionTokens,
            },
        };
    }

    private static async Task StreamAsync(HttpContext context, FakeBehavior behavior, string id, FakeAnswer answer, string? thought, int cached)
    {
        var stream = new FakeStream(context, behavior);
        await stream.StartAsync("text/event-stream; charset=utf-8");
        Task Send(string name, JsonObject data) => stream.SendAsync($"event: {name}\ndata: {data.ToJsonString(Relaxed)}\n\n");
        var start = Message(id, answer, cached: cached);
        start["content"] = new JsonArray();
        start["stop_reason"] = null;
        start["usage"]!["output_tokens"] = 1;
        await Send("message_start", new JsonObject { ["type"] = "message_start", ["message"] = start });
        var index = 0;
        if (thought is not null)
        {
            await Send("content_block_start", new JsonObject
            {
                ["type"] = "content_block_start", ["index"] = 0,
                ["content_block"] = new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" },
            });
            foreach (var piece in new[] { thought[..10], thought[10..] })
                await Send("content_block_delta", new JsonObject
                {
                    ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "thinking_delta", ["thinking"] = piece },
                });
            await Send("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "signature_delta", ["signature"] = Signature(thought) },
            });
            await Send("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
            index = 1;
        }
        var block = answer.ToolName is { } tool
            ? new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_fake_1", ["name"] = tool, ["input"] = new JsonObject() }
            : new JsonObject { ["type"] = "text", ["text"] = "" };
        await Send("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = block });
        await Send("ping", new JsonObject { ["type"] = "ping" });
        var pieces = answer.ToolName is null ? answer.Words : [FakeAnswer.ToolArguments[..5], FakeAnswer.ToolArguments[5..]];
        for (var i = 0; i < pieces.Length; i++)
        {
            if (stream.CutAt(i, pieces.Length)) return;
            var delta = answer.ToolName is null
                ? new JsonObject { ["type"] = "text_delta", ["text"] = pieces[i] }
                : new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = pieces[i] };
            await Send("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta });
        }
        await Send("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index });
        await Send("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = answer.ToolName is null ? "end_turn" : "tool_use", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = answer.CompletionTokens },
        });
        await Send("message_stop", new JsonObject { ["type"] = "message_stop" });
    }
}
