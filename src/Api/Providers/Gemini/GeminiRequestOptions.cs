using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// What an OpenAI chat request asks beyond what <see cref="OpenAIChatRequest"/> reads, as Gemini takes it: JSON mode,
/// reasoning effort, seed and penalties, the legacy <c>functions</c>/<c>function_call</c>, <c>allowed_tools</c>. Every
/// top-level member of the request is either translated, deliberately ignored (listed in <see cref="Ignored"/>), or
/// refused with a <see cref="NotSupportedException"/> naming it, which the exchange turns into a 400: nothing is
/// dropped silently.
/// </summary>
public sealed record GeminiRequestOptions
{
    /// <summary><c>generationConfig.responseMimeType</c>: <c>application/json</c> for OpenAI's JSON modes.</summary>
    public string? ResponseMimeType { get; private init; }

    /// <summary><c>generationConfig.responseJsonSchema</c>: the client's JSON Schema as it sent it (JSON text).</summary>
    public string? ResponseJsonSchema { get; private init; }

    public long? Seed { get; private init; }
    public double? PresencePenalty { get; private init; }
    public double? FrequencyPenalty { get; private init; }

    /// <summary>OpenAI's <c>reasoning_effort</c>, as sent (<c>none</c>, <c>minimal</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>, <c>max</c>).</summary>
    public string? ReasoningEffort { get; private init; }

    /// <summary>The legacy <c>functions</c>, declared beside <c>tools</c>.</summary>
    public IReadOnlyList<ToolDefinition> Functions { get; private init; } = [];

    /// <summary>The legacy <c>function_call</c>, used when there is no <c>tool_choice</c>.</summary>
    public ToolChoice? FunctionCall { get; private init; }

    /// <summary>
    /// <c>tool_choice: {"type":"allowed_tools"}</c>: the functions the model may call (null: all), and whether it must
    /// call one (<c>required</c>) or may answer in text (<c>auto</c>).
    /// </summary>
    public IReadOnlyList<string>? AllowedTools { get; private init; }

    public bool AllowedToolsRequired { get; private init; }

    /// <summary>
    /// Members that change nothing in Gemini's answer, and are left out on purpose: <c>user</c> and
    /// <c>safety_identifier</c> (OpenAI's abuse tracking ids), <c>metadata</c> and <c>store</c> (OpenAI's stored
    /// completions), <c>service_tier</c> (OpenAI's processing tiers), <c>stream_options</c> (read by the gateway:
    /// <c>include_usage</c>), <c>prompt_cache_key</c>/<c>prompt_cache_retention</c>/<c>prompt_cache_options</c>
    /// (OpenAI's cache routing; Gemini caches implicitly), <c>prediction</c> (a latency hint that never changes the
    /// answer).
    /// </summary>
    public static readonly IReadOnlySet<string> Ignored = new HashSet<string>(StringComparer.Ordinal)
    {
        "user", "safety_identifier", "metadata", "store", "service_tier", "stream_options",
        "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "prediction",
    };

    /// <summary>Members <see cref="OpenAIChatRequest"/> reads and <see cref="GeminiRequestWriter"/> translates.</summary>
    private static readonly HashSet<string> Translated = new(StringComparer.Ordinal)
    {
        "model", "messages", "temperature", "top_p", "top_k", "max_tokens", "max_completion_tokens", "stop", "stream", "tools", "tool_choice",
    };

    /// <summary>Reads and checks the client's request (a JSON object).</summary>
    /// <exception cref="NotSupportedException">A member Gemini has no place for; the message names it.</exception>
    public static GeminiRequestOptions Read(ReadOnlySpan<byte> openAIRequest)
    {
        var reader = new Utf8JsonReader(openAIRequest);
        using var document = JsonDocument.ParseValue(ref reader);
        return Read(document.RootElement);
    }

    /// <inheritdoc cref="Read(ReadOnlySpan{byte})"/>
    public static GeminiRequestOptions Read(JsonElement root)
    {
        var options = new GeminiRequestOptions();
        var hasTools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0
            || root.TryGetProperty("functions", out var functions) && functions.ValueKind == JsonValueKind.Array && functions.GetArrayLength() > 0;
        foreach (var member in root.EnumerateObject())
        {
            var value = member.Value;
            var name = member.Name;
            if (Ignored.Contains(name) || value.ValueKind == JsonValueKind.Null && name != "messages") continue;
            switch (name)
            {
                case "messages":
                    CheckMessages(value);
                    break;
                case "tools":
                    CheckTools(value);
                    break;
                case "tool_choice":
                    options = ReadToolChoice(options, value);
                    break;
                case var _ when Translated.Contains(name):
                    break;
                case "response_format":
                    options = ReadResponseFormat(options, value);
                    break;
                case "reasoning_effort":
                    options = options with { ReasoningEffort = ReadEffort(value) };
                    break;
                case "seed":
                    options = options with { Seed = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seed) ? seed : throw Refuse("seed", "must be an integer") };
                    break;
                case "presence_penalty":
                    options = options with { PresencePenalty = Number(value, name) };
                    break;
                case "frequency_penalty":
                    options = options with { FrequencyPenalty = Number(value, name) };
                    break;
                case "n":
                    if (!(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n == 1))
                        throw Refuse("n", "only one choice is translated from Gemini (n: 1)");
                    break;
                case "logprobs":
                    if (value.ValueKind != JsonValueKind.False) throw Refuse("logprobs", "log probabilities are not translated from Gemini's answer");
                    break;
                case "top_logprobs":
                    throw Refuse("top_logprobs", "log probabilities are not translated from Gemini's answer");
                case "logit_bias":
                    if (!(value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any()))
                        throw Refuse("logit_bias", "Gemini has no token biases");
                    break;
                case "parallel_tool_calls":
                    // Gemini decides alone whether to call functions in parallel: true (the default) is what it does.
                    if (value.ValueKind == JsonValueKind.False && hasTools)
                        throw Refuse("parallel_tool_calls", "Gemini cannot be kept from calling functions in parallel");
                    break;
                case "modalities":
                    if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String || m.GetString() != "text"))
                        throw Refuse("modalities", "only text answers are translated from Gemini");
                    break;
                case "audio":
                    throw Refuse("audio", "only text answers are translated from Gemini");
                case "verbosity":
                    // Medium is OpenAI's default, the only one Gemini can be said to follow.
                    if (value.ValueKind != JsonValueKind.String || value.GetString() != "medium")
                        throw Refuse("verbosity", "Gemini has no verbosity setting");
                    break;
                case "web_search_options":
                    throw Refuse("web_search_options", "web search is not translated to Gemini's grounding");
                case "moderation":
                    throw Refuse("moderation", "OpenAI's moderation does not run on Gemini");
                case "functions":
                    options = options with { Functions = ReadFunctions(value) };
                    break;
                case "function_call":
                    options = options with { FunctionCall = ReadFunctionCall(value) };
                    break;
                default:
                    throw Refuse(name, "it is not an OpenAI chat field Gemini can take");
            }
        }
        return options;
    }

    /// <summary>The 400's words: <c>field 'x' ...: why</c>.</summary>
    public static NotSupportedException Refuse(string field, string why) => new($"field '{field}' cannot be sent to Gemini: {why}");

    private static double Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Refuse(name, "must be a number");

    private static GeminiRequestOptions ReadResponseFormat(GeminiRequestOptions options, JsonElement format)
    {
        switch (Json.String(format, "type"))
        {
            case "text":
                return options;
            case "json_object":
                return options with { ResponseMimeType = JsonMimeType };
            case "json_schema":
                var schema = Json.At(format, "json_schema", "schema");
                if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
                    throw Refuse("response_format.json_schema.schema", "must be a JSON Schema object");
                return options with
                {
                    ResponseMimeType = JsonMimeType,
                    ResponseJsonSchema = schema.ValueKind == JsonValueKind.Object ? schema.GetRawText() : null,
                };
            default:
                throw Refuse("response_format", "type must be text, json_object or json_schema");
        }
    }

    public const string JsonMimeType = "application/json";

    private static string ReadEffort(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is "none" or "minimal" or "low" or "medium" or "high" or "xhigh" or "max"
            ? value.GetString()!
            : throw Refuse("reasoning_effort", "must be none, minimal, low, medium, high, xhigh or max");

    private static GeminiRequestOptions ReadToolChoice(GeminiRequestOptions options, JsonElement choice)
    {
        if (ToolChoice.Read(choice) is not null) return options;
        if (choice.ValueKind == JsonValueKind.Object && Json.String(choice, "type") == "allowed_tools")
        {
            var allowed = Json.At(choice, "allowed_tools");
            var mode = Json.String(allowed, "mode");
            if (mode is not ("auto" or "required")) throw Refuse("tool_choice.allowed_tools.mode", "must be auto or required");
            var names = Json.Array(Json.At(allowed, "tools"))
                .Select(t => Json.String(Json.At(t, "function"), "name") ?? throw Refuse("tool_choice.allowed_tools.tools", "only function tools can be allowed"))
                .ToList();
            return options with { AllowedTools = names, AllowedToolsRequired = mode == "required" };
        }
        throw Refuse("tool_choice", "must be none, auto, required, a function or allowed_tools");
    }

    private static void CheckTools(JsonElement tools)
    {
        var i = 0;
        foreach (var tool in Json.Array(tools))
        {
            if (ToolDefinition.Read(tool) is null) throw Refuse($"tools[{i}]", "only function tools (with a name) are translated to Gemini");
            i++;
        }
    }

    /// <summary>The legacy <c>function_call</c>: <c>none</c>, <c>auto</c>, or <c>{"name":...}</c>.</summary>
    private static ToolChoice ReadFunctionCall(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is ToolChoice.None or ToolChoice.Auto
            ? new ToolChoice(value.GetString()!, null)
            : Json.String(value, "name") is { } name
                ? new ToolChoice(ToolChoice.Function, name)
                : throw Refuse("function_call", "must be none, auto or {\"name\":...}");

    private static List<ToolDefinition> ReadFunctions(JsonElement functions)
    {
        var read = new List<ToolDefinition>();
        var i = 0;
        foreach (var function in Json.Array(functions))
        {
            // A legacy function is what a tool wraps in "function".
            using var wrapped = JsonDocument.Parse($$"""{"type":"function","function":{{function.GetRawText()}}}""");
            read.Add(ToolDefinition.Read(wrapped.RootElement) ?? throw Refuse($"functions[{i}]", "a function needs a name"));
            i++;
        }
        return read;
    }

    /// <summary>
    /// The content parts <see cref="ContentPart"/> would not carry, and images Gemini cannot be given: each refused
    /// with its place (<c>messages[i].content[j]</c>).
    /// </summary>
    private static void CheckMessages(JsonElement messages)
    {
        var i = 0;
        foreach (var message in Json.Array(messages))
        {
            var j = 0;
            foreach (var part in Json.Array(Json.At(message, "content")))
            {
                var place = $"messages[{i}].content[{j}]";
                // A part without a type is read by what it holds, as ContentPart reads it.
                var type = part.ValueKind != JsonValueKind.Object ? "text"
                    : Json.String(part, "type") ?? (part.TryGetProperty("text", out _) ? "text" : part.TryGetProperty("image_url", out _) ? "image_url" : null);
                switch (type)
                {
                    case "text" when part.ValueKind == JsonValueKind.String || Json.String(part, "text") is not null:
                        break;
                    case "image_url":
                        CheckImage(part, place + ".image_url");
                        break;
                    case "input_audio":
                        throw Refuse(place, "audio input is not translated to Gemini");
                    case "file":
                        throw Refuse(place, "file input is not translated to Gemini");
                    default:
                        throw Refuse(place, "only text and image_url parts are translated to Gemini");
                }
                j++;
            }
            i++;
        }
    }

    private static void CheckImage(JsonElement part, string place)
    {
        var image = Json.At(part, "image_url");
        var url = image.ValueKind == JsonValueKind.String ? image.GetString() : Json.String(image, "url");
        if (url is null) throw Refuse(place, "an image needs a url");
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            if (!DataUrl.TryParse(url, out _, out _)) throw Refuse(place, "a data: URL must be base64 (data:image/png;base64,...)");
            return;
        }
        if (ProviderUrls.Absolute(url) is null) throw Refuse(place, "the url must be a data: URL or an http(s) URL");
        if (ImageMimeType(url) is null)
            throw Refuse(place, "Gemini fetches an image URL only with its media type, told here by the path's extension (.png, .jpg, .jpeg, .webp, .heic, .heif); send other images as data: URLs");
    }

    /// <summary>The media type Gemini's <c>fileData</c> needs for an http(s) image URL, from the path's extension; null when unknown.</summary>
    public static string? ImageMimeType(string url)
    {
        if (ProviderUrls.Absolute(url) is not { } uri) return null;
        return Path.GetExtension(uri.AbsolutePath).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".webp" => "image/webp",
            ".heic" => "image/heic",
            ".heif" => "image/heif",
            _ => null,
        };
    }
}
