using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Anthropic;

/// <summary>
/// OpenAI chat → Messages API body: system messages to top-level <c>system</c>, the rest to content blocks with
/// consecutive same-role messages merged (tool results travel in a user message), <c>max_tokens</c> always set,
/// <c>response_format</c> with a JSON schema to structured outputs (<c>output_config.format</c>),
/// <c>reasoning_effort</c> (or Anthropic's own <c>thinking</c>) to extended thinking, with the thinking blocks an
/// assistant message carries back (<c>thinking_blocks</c>) first in its turn. Every other OpenAI field is translated,
/// ignored as harmless (listed in <see cref="Ignored"/>), or refused with the field's name (<see cref="CheckFields"/>).
/// </summary>
public static class AnthropicRequestWriter
{
    /// <summary>Anthropic requires <c>max_tokens</c>; used when neither the target nor the client sets one.</summary>
    public const int DefaultMaxTokens = 4096;

    // max_tokens is always written, before the rest.
    private static readonly SamplingNames Sampling = new("temperature", "top_p", "top_k", MaxTokens: null, "stop_sequences");

    /// <summary>
    /// OpenAI fields with no effect worth a refusal: <c>seed</c> (best effort at OpenAI too), storage and routing hints
    /// (<c>store</c>, <c>metadata</c>, <c>service_tier</c>, <c>prompt_cache_key</c>, <c>prompt_cache_retention</c>,
    /// <c>safety_identifier</c>), <c>verbosity</c>, and what the writer reads elsewhere (<c>user</c>,
    /// <c>parallel_tool_calls</c>, <c>reasoning_effort</c>, <c>thinking</c>). Values that mean nothing (<c>n: 1</c>,
    /// <c>logprobs: false</c>, zero penalties, a text response format) pass the check too.
    /// </summary>
    public static readonly IReadOnlySet<string> Ignored = new HashSet<string>
    {
        "seed", "store", "metadata", "service_tier", "prompt_cache_key", "prompt_cache_retention", "safety_identifier", "verbosity",
        "user", "parallel_tool_calls", "reasoning_effort", "thinking",
    };

    /// <summary>Thinking budgets for OpenAI's <c>reasoning_effort</c> (Anthropic's minimum budget is 1,024).</summary>
    public static int? ThinkingBudget(string? effort) => effort switch
    {
        "low" => 1024,
        "medium" => 4096,
        "high" => 16384,
        _ => null, // minimal, none: no extended thinking
    };

    public static void Write(OpenAIChatRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        CheckFields(request);
        var thinking = Thinking(request);
        var budget = thinking is null ? null : Json.Long(thinking.RootElement, "budget_tokens");
        var maxTokens = request.MaxTokens ?? DefaultMaxTokens + (budget ?? 0);
        if (budget is { } b && maxTokens <= b)
            throw new NotSupportedException($"max_tokens ({maxTokens}) must be greater than the thinking budget ({b} tokens) that reasoning_effort asks for");
        if (thinking is not null && request.Temperature is { } t && t != 1)
            throw new NotSupportedException("temperature: Anthropic takes no temperature but 1 when thinking is enabled (reasoning_effort)");
        if (thinking is not null && request.TopK is not null)
            throw new NotSupportedException("top_k: Anthropic takes no top_k when thinking is enabled (reasoning_effort)");
        if (thinking is not null && request.ToolChoice?.Mode is ToolChoice.Required or ToolChoice.Function)
            throw new NotSupportedException("tool_choice: Anthropic cannot force a tool when thinking is enabled (reasoning_effort)");
        using var w = Json.Writer(body);
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteNumber("max_tokens", maxTokens);
        WriteSystem(w, request);
        Turns.Write(w, request.Conversation, "messages", "content", role => role, WriteBlocks);
        w.WriteSampling(request, Sampling);
        if (request.Stream) w.WriteBoolean("stream", true);
        if (thinking is not null)
        {
            w.WritePropertyName("thinking");
            thinking.RootElement.WriteTo(w);
            thinking.Dispose();
        }
        WriteTools(w, request);
        WriteOutputFormat(w, request);
        if (request.OtherFields.TryGetValue("user", out var user) && user.StartsWith('"'))
        {
            w.WriteStartObject("metadata");
            w.WritePropertyName("user_id");
            w.WriteRawValue(user);
            w.WriteEndObject();
        }
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    /// <summary>Anthropic's <c>thinking</c> as the client gave it, or made from <c>reasoning_effort</c>; null: no extended thinking.</summary>
    private static JsonDocument? Thinking(OpenAIChatRequest request)
    {
        if (request.OtherFields.TryGetValue("thinking", out var thinking)) return JsonDocument.Parse(thinking);
        if (!request.OtherFields.TryGetValue("reasoning_effort", out var effort)) return null;
        using var document = JsonDocument.Parse(effort);
        var budget = ThinkingBudget(document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() : null);
        return budget is null ? null : JsonDocument.Parse($$"""{"type":"enabled","budget_tokens":{{budget}}}""");
    }

    /// <summary>
    /// OpenAI's <c>response_format: {type: json_schema, json_schema: {schema}}</c> → Anthropic's structured outputs,
    /// <c>output_config: {format: {type: json_schema, schema}}</c> (the answer's text is the JSON).
    /// </summary>
    private static void WriteOutputFormat(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        if (!request.OtherFields.TryGetValue("response_format", out var raw)) return;
        using var format = JsonDocument.Parse(raw);
        if (Json.String(format.RootElement, "type") != "json_schema") return;
        w.WriteStartObject("output_config");
        w.WriteStartObject("format");
        w.WriteString("type", "json_schema");
        w.WritePropertyName("schema");
        Json.At(Json.At(format.RootElement, "json_schema"), "schema").WriteTo(w);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>OpenAI fields Anthropic's Messages API has no place for, refused by name (a silent drop would change the answer).</summary>
    /// <exception cref="NotSupportedException">The request asks for something Anthropic cannot do.</exception>
    public static void CheckFields(OpenAIChatRequest request)
    {
        foreach (var (name, raw) in request.OtherFields)
        {
            if (Ignored.Contains(name)) continue;
            using var document = JsonDocument.Parse(raw);
            var value = document.RootElement;
            var why = name switch
            {
                "n" when value.ValueKind == JsonValueKind.Number && value.GetDouble() == 1 => null,
                "n" => "Anthropic answers with one choice only",
                "logprobs" when value.ValueKind == JsonValueKind.False => null,
                "logprobs" or "top_logprobs" => "Anthropic gives no log probabilities",
                "frequency_penalty" or "presence_penalty" when value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0 => null,
                "frequency_penalty" or "presence_penalty" => "Anthropic has no repetition penalties",
                "logit_bias" when value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any() => null,
                "logit_bias" => "Anthropic has no token biases",
                "response_format" when Json.String(value, "type") is null or "text" => null,
                "response_format" when Json.String(value, "type") == "json_schema" && Json.At(Json.At(value, "json_schema"), "schema").ValueKind == JsonValueKind.Object => null,
                "response_format" => $"Anthropic's structured outputs take a JSON schema; '{Json.String(value, "type")}' has none (send type json_schema with a schema)",
                "modalities" when value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(m => m.ValueKind == JsonValueKind.String && m.GetString() == "text") => null,
                "modalities" or "audio" => "Anthropic answers in text only",
                "prediction" => "Anthropic has no predicted outputs",
                "web_search_options" => "use Anthropic's web search tool through an Anthropic client route instead",
                "functions" or "function_call" => "the legacy functions API is not translated; send tools and tool_choice",
                _ => null, // not an OpenAI chat field: nothing the client can expect from it
            };
            if (why is not null) throw new NotSupportedException($"'{name}': {why}");
        }
    }

    private static void WriteSystem(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        var texts = request.SystemMessages.Select(m => m.Text).Where(t => t.Length > 0).ToList();
        if (texts.Count == 0) return;
        w.WriteStartArray("system");
        foreach (var text in texts) WriteText(w, text);
        w.WriteEndArray();
    }

    private static void WriteBlocks(Utf8JsonWriter w, ChatMessage message)
    {
        // Anthropic refuses a tool_result turn whose assistant turn lost its thinking while thinking is on: the blocks
        // come back as the answer gave them, signatures untouched.
        if (message.IsAssistant && message.ThinkingBlocksJson is { } thinking)
            using (var blocks = JsonDocument.Parse(thinking))
                foreach (var block in blocks.RootElement.EnumerateArray().Where(b => Json.String(b, "type") is "thinking" or "redacted_thinking"))
                    block.WriteTo(w);
        if (message.IsToolResult)
        {
            w.WriteStartObject();
            w.WriteString("type", "tool_result");
            w.WriteString("tool_use_id", message.ToolCallId ?? "");
            w.WriteString("content", message.Text);
            w.WriteEndObject();
            return;
        }
        foreach (var part in message.Parts)
        {
            if (part.Text is { Length: > 0 } text) WriteText(w, text);
            else if (part.ImageUrl is { } url) WriteImage(w, url);
        }
        foreach (var call in message.ToolCalls) WriteToolUse(w, call);
    }

    /// <summary>A <c>tool_use</c> content block; Anthropic's answers carry the same block.</summary>
    public static void WriteToolUse(Utf8JsonWriter w, ToolCall call)
    {
        w.WriteStartObject();
        w.WriteString("type", "tool_use");
        w.WriteString("id", call.Id);
        w.WriteString("name", call.Name);
        w.WritePropertyName("input");
        Json.WriteArgumentsObject(w, call.Arguments);
        w.WriteEndObject();
    }

    /// <summary>A <c>text</c> content block.</summary>
    public static void WriteText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void WriteImage(Utf8JsonWriter w, string url)
    {
        w.WriteStartObject();
        w.WriteString("type", "image");
        w.WriteStartObject("source");
        if (DataUrl.TryParse(url, out var mediaType, out var data))
        {
            w.WriteString("type", "base64");
            w.WriteString("media_type", mediaType);
            w.WriteString("data", data);
        }
        else
        {
            w.WriteString("type", "url");
            w.WriteString("url", url);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, OpenAIChatRequest request)
    {
        if (request.Tools.Count == 0) return;
        w.WriteStartArray("tools");
        foreach (var tool in request.Tools)
        {
            w.WriteStartObject();
            NativeJson.WriteToolDeclaration(w, tool, "input_schema", NativeJson.EmptyObjectSchema);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        var oneAtATime = request.OtherFields.TryGetValue("parallel_tool_calls", out var parallel) && parallel == "false";
        if (request.ToolChoice is not { } choice)
        {
            if (!oneAtATime) return;
            choice = new ToolChoice(ToolChoice.Auto, null);
        }
        w.WriteStartObject("tool_choice");
        w.WriteString("type", choice.Mode switch
        {
            ToolChoice.Required => "any",
            ToolChoice.None => "none",
            ToolChoice.Function => "tool",
            _ => "auto",
        });
        w.WriteIf("name", choice.FunctionName);
        // OpenAI's parallel_tool_calls: false (Anthropic takes no such flag with tool_choice none).
        if (oneAtATime && choice.Mode != ToolChoice.None) w.WriteBoolean("disable_parallel_tool_use", true);
        w.WriteEndObject();
    }
}
