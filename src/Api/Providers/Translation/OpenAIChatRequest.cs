using System.Buffers;
using System.Text.Json;

namespace Actors.Api.Providers.Translation;

/// <summary>
/// The parts of an OpenAI chat request that native APIs need, read once, with the target's configured sampling
/// options already winning over the client's (as Kong's <c>merge_config_defaults</c> does).
/// </summary>
public sealed class OpenAIChatRequest
{
    public string? Model { get; private init; }
    public IReadOnlyList<ChatMessage> Messages { get; private init; } = [];
    public double? Temperature { get; private init; }
    public double? TopP { get; private init; }
    public int? TopK { get; private init; }
    /// <summary><c>max_tokens</c>, or the newer <c>max_completion_tokens</c>.</summary>
    public long? MaxTokens { get; private init; }
    public IReadOnlyList<string> Stop { get; private init; } = [];
    public bool Stream { get; private init; }
    public bool IncludeUsage { get; private init; }
    public IReadOnlyList<ToolDefinition> Tools { get; private init; } = [];
    public ToolChoice? ToolChoice { get; private init; }
    /// <summary>
    /// Every other top-level field the client sent (not null), as raw JSON by name: for a driver to translate or refuse
    /// what its provider has no place for (<c>response_format</c>, <c>n</c>, <c>reasoning_effort</c>...).
    /// </summary>
    public IReadOnlyDictionary<string, string> OtherFields { get; private init; } = new Dictionary<string, string>();

    /// <summary>The fields <see cref="Parse"/> reads into properties; the rest go to <see cref="OtherFields"/>.</summary>
    private static readonly HashSet<string> ReadFields =
        ["model", "messages", "temperature", "top_p", "top_k", "max_tokens", "max_completion_tokens", "stop", "stream", "stream_options", "tools", "tool_choice"];

    /// <summary>System and developer messages, in order.</summary>
    public IEnumerable<ChatMessage> SystemMessages => Messages.Where(m => m.IsSystem);

    /// <summary>Everything but system and developer messages, in order.</summary>
    public IEnumerable<ChatMessage> Conversation => Messages.Where(m => !m.IsSystem);

    /// <summary>
    /// The client's request parsed and written as a native body by the driver's <paramref name="write"/>; returns
    /// whether the client asked for a stream.
    /// </summary>
    public static bool Translate(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body,
        Action<OpenAIChatRequest, ProviderTarget, IBufferWriter<byte>> write)
    {
        var request = Parse(openAIRequest, target);
        write(request, target, body);
        return request.Stream;
    }

    public static OpenAIChatRequest Parse(ReadOnlySpan<byte> json, ProviderTarget target)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        return new OpenAIChatRequest
        {
            Model = Json.String(root, "model"),
            Messages = root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array
                ? [.. messages.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.Object).Select(ChatMessage.Read)]
                : [],
            Temperature = target.Temperature ?? Json.Double(root, "temperature"),
            TopP = target.TopP ?? Json.Double(root, "top_p"),
            TopK = target.TopK ?? (int?)Json.Long(root, "top_k"),
            MaxTokens = target.MaxTokens ?? Json.Long(root, "max_tokens") ?? Json.Long(root, "max_completion_tokens"),
            Stop = ReadStop(root),
            Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            IncludeUsage = root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("include_usage", out var usage) && usage.ValueKind == JsonValueKind.True,
            Tools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
                ? [.. tools.EnumerateArray().Select(ToolDefinition.Read).OfType<ToolDefinition>()]
                : [],
            ToolChoice = root.TryGetProperty("tool_choice", out var choice) ? Translation.ToolChoice.Read(choice) : null,
            OtherFields = root.ValueKind != JsonValueKind.Object ? new Dictionary<string, string>() : root.EnumerateObject()
                .Where(p => p.Value.ValueKind != JsonValueKind.Null && !ReadFields.Contains(p.Name))
                .GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Last().Value.GetRawText()),
        };
    }

    private static IReadOnlyList<string> ReadStop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop)) return [];
        return stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array => [.. stop.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!)],
            _ => [],
        };
    }
}

/// <summary>One message. <see cref="Parts"/> holds its content (a plain string becomes one text part).</summary>
public sealed record ChatMessage(string Role, IReadOnlyList<ContentPart> Parts, IReadOnlyList<ToolCall> ToolCalls, string? ToolCallId, string? Name)
{
    public bool IsSystem => Role is "system" or "developer";
    public bool IsToolResult => Role is "tool" or "function";
    public bool IsAssistant => Role == "assistant";

    /// <summary>The text parts joined; images dropped.</summary>
    public string Text => string.Concat(Parts.Where(p => p.Text is not null).Select(p => p.Text));

    public static ChatMessage Read(JsonElement message)
    {
        var role = Json.String(message, "role") ?? "user";
        var parts = ContentPart.ReadAll(message.TryGetProperty("content", out var content) ? content : default);
        var toolCalls = new List<ToolCall>();
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            toolCalls.AddRange(calls.EnumerateArray().Select(ToolCall.Read).OfType<ToolCall>());
        // The legacy single function call of older clients.
        if (message.TryGetProperty("function_call", out var legacy) && ToolCall.ReadFunction(legacy, "call_0") is { } call)
            toolCalls.Add(call);
        var name = Json.String(message, "name");
        return new ChatMessage(role, parts, toolCalls, Json.String(message, "tool_call_id") ?? (role == "function" ? name : null), name)
        {
            ThinkingBlocksJson = message.TryGetProperty("thinking_blocks", out var thinking) && thinking.ValueKind == JsonValueKind.Array
                && thinking.GetArrayLength() > 0 ? thinking.GetRawText() : null,
        };
    }

    /// <summary>
    /// The reasoning blocks an assistant message carries back (<c>thinking_blocks</c>, raw JSON array: Anthropic's thinking
    /// and redacted_thinking blocks with their signatures, as the gateway gave them in the answer); null when none.
    /// </summary>
    public string? ThinkingBlocksJson { get; init; }
}

/// <summary>A text part, or an image given by URL (<c>data:</c> URLs carry the bytes).</summary>
public sealed record ContentPart(string? Text, string? ImageUrl)
{
    public static IReadOnlyList<ContentPart> ReadAll(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => [new ContentPart(content.GetString(), null)],
        JsonValueKind.Array => [.. content.EnumerateArray().Select(Read).OfType<ContentPart>()],
        _ => [],
    };

    private static ContentPart? Read(JsonElement part)
    {
        if (part.ValueKind == JsonValueKind.String) return new ContentPart(part.GetString(), null);
        if (part.ValueKind != JsonValueKind.Object) return null;
        if (Json.String(part, "text") is { } text) return new ContentPart(text, null);
        if (part.TryGetProperty("image_url", out var image))
        {
            var url = image.ValueKind == JsonValueKind.String ? image.GetString() : Json.String(image, "url");
            return url is null ? null : new ContentPart(null, url);
        }
        return null;
    }
}

/// <summary>A function call the assistant made; <see cref="Arguments"/> is the JSON text OpenAI carries.</summary>
public sealed record ToolCall(string Id, string Name, string Arguments)
{
    /// <summary>
    /// The call's <c>extra_content</c> as JSON text (null without one): provider data an OpenAI-compatible API attaches
    /// to a call and wants back with it, such as Gemini's <c>{"google":{"thought_signature":"..."}}</c>.
    /// </summary>
    public string? ExtraContent { get; init; }

    public static ToolCall? Read(JsonElement call) =>
        call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function)
            && ReadFunction(function, Json.String(call, "id") ?? "") is { } read
            ? call.TryGetProperty("extra_content", out var extra) && extra.ValueKind == JsonValueKind.Object
                ? read with { ExtraContent = extra.GetRawText() }
                : read
            : null;

    public static ToolCall? ReadFunction(JsonElement function, string id) =>
        function.ValueKind == JsonValueKind.Object && Json.String(function, "name") is { } name
            ? new ToolCall(id, name, Json.String(function, "arguments") ?? "{}")
            : null;
}

/// <summary>A function the model may call; <see cref="ParametersJson"/> is its JSON schema as the client sent it.</summary>
public sealed record ToolDefinition(string Name, string? Description, string? ParametersJson)
{
    public static ToolDefinition? Read(JsonElement tool)
    {
        if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("function", out var function)) return null;
        if (Json.String(function, "name") is not { } name) return null;
        var parameters = function.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.GetRawText() : null;
        return new ToolDefinition(name, Json.String(function, "description"), parameters);
    }
}

/// <summary>OpenAI's <c>tool_choice</c>: <c>auto</c>, <c>none</c>, <c>required</c>, or one named function.</summary>
public sealed record ToolChoice(string Mode, string? FunctionName)
{
    public const string Auto = "auto", None = "none", Required = "required", Function = "function";

    public static ToolChoice? Read(JsonElement choice)
    {
        if (choice.ValueKind == JsonValueKind.String)
            return choice.GetString() is Auto or None or Required ? new ToolChoice(choice.GetString()!, null) : null;
        if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var function)
            && Json.String(function, "name") is { } name)
            return new ToolChoice(Function, name);
        return null;
    }
}
